import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rawTopicName } from '@ajx/contracts';
import { DeptProjectionWriter, type ViewChange } from '@ajx/dept-store';
import { waitFor } from '@ajx/testing';
import { WebhookHeaders, WebhookReceiverGuard } from '@ajx/webhooks';
import fs from 'node:fs';
import { CONTENT_TYPES, expectedOutputOf, sampleFiles, TestHub, upload } from '../support/hub';
import { readAll } from '../support/kafka-read';
import { openSse } from '../support/sse';

/*
 * Issue 11, security, on the real stack — generated loops, not hand-written pairs. Each refusal is checked for its
 * status and code, for its audit entry, and for "no data": the answer holds nothing of the other party. Covers: every
 * insurer publishing as every other (HTTP), every department reading every other's records by id, filter, feed cursor,
 * stream and webhook; missing, malformed, tampered, unknown, expired, revoked and disabled credentials; SQL injection
 * payloads on every filter of every department, register and admin list endpoint; header injection on webhooks and
 * forged / replayed webhook deliveries as a receiver checks them. (Kafka publishing as another insurer: issue 6.)
 * Issue 24: the same for the collections of data standard v2 (accidents, claims), their filters and acknowledgements.
 */

const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];
const CONTENT: Record<string, { type: string; body: () => Buffer }> = {
  PICC: { type: 'text/csv', body: () => Buffer.from('x') },
  PINGAN: {
    type: 'application/x-ndjson',
    body: () => Buffer.from(`{"recordType":"HAZARD","dangerNo":"X-${randomUUID()}"}\n`),
  },
  CPIC: { type: 'application/xml', body: () => Buffer.from('<AJXBatch insurer="CPIC"/>') },
  DADI: { type: 'application/json', body: () => Buffer.from('{"gsdm":"DADI","pch":"p","sj":[]}') },
};

interface Dept {
  id: string;
  kind: string;
  level: 'county' | 'city';
  region: string;
  recordRegion: string;
  sector: string;
  uscc: string;
  name: string;
}

const DEPTS: Dept[] = [
  ['sec-hz-sc-em', 'emergency', 'county', '330102', '330102', 'construction', '91330102MA2B0X2K4A'],
  ['sec-hz-xh-em', 'emergency', 'county', '330106', '330106', 'hazardous_chemicals', '91330106MA2B0X2K4B'],
  ['sec-hz-constr', 'construction', 'city', '330100', '330105', 'construction', '91330105MA2B0X2K4C'],
  ['sec-jn-em', 'emergency', 'city', '370800', '370811', 'non_coal_mining', '91370811MA2B0X2K4D'],
].map(([id, kind, level, region, recordRegion, sector, uscc]) => ({
  id,
  kind,
  level: level as Dept['level'],
  region,
  recordRegion,
  sector,
  uscc,
  name: `机密企业-${id}`,
}));

const subjectsOf = (d: Dept) => [1, 2, 3].map((n) => `SEC-${d.id}-${n}`);
/** The department's accident and claim (data standard v2). */
const v2SubjectsOf = (d: Dept) => ({ accident: `SEC-${d.id}-A`, claim: `SEC-${d.id}-C` });
/** The department's policy and service (issue 21: the BOLA matrix covers every collection). */
const v1SubjectsOf = (d: Dept) => ({ policy: `SEC-${d.id}-P`, service: `SEC-${d.id}-S` });
const allSubjectsOf = (d: Dept) => [
  ...subjectsOf(d),
  ...Object.values(v2SubjectsOf(d)),
  ...Object.values(v1SubjectsOf(d)),
];

/** Collections × filters that select exactly what a department holds of them (values valid for the collection). */
const COLLECTION_FILTERS: Record<string, (d: Dept) => string[]> = {
  hazards: () => ['level=major', 'status=open'],
  accidents: () => ['level=larger', 'status=open', 'from=2026-03-01&to=2026-03-01'],
  claims: () => ['status=filed', 'from=2026-03-02'],
};

type MatrixKind = 'policy' | 'service' | 'hazard' | 'accident' | 'claim';
const DATA: Record<MatrixKind, (d: Dept, subject: string) => Record<string, unknown>> = {
  policy: (d, subject) => ({ policyNo: subject, enterprise: { name: d.name, uscc: d.uscc } }),
  service: (d, subject) => ({ serviceId: subject, enterprise: { name: d.name, uscc: d.uscc } }),
  hazard: (d, subject) => ({ hazardId: subject, enterprise: { name: d.name, uscc: d.uscc } }),
  accident: (d, subject) => ({ accidentId: subject, enterprise: { name: d.name, uscc: d.uscc } }),
  claim: (d, subject) => ({ claimNo: subject, enterprise: { name: d.name, uscc: d.uscc } }),
};

function change(d: Dept, subject: string, urgent: boolean, kind: MatrixKind = 'hazard'): ViewChange {
  const v1 = { policy: ['issued', 'active'], service: ['recorded', 'valid'] } as Record<string, [string, string]>;
  return {
    departmentId: d.id,
    entry: 'new',
    urgent,
    kind,
    insurer: 'PICC',
    subject,
    version: 1,
    eventId: randomUUID(),
    data: DATA[kind](d, subject),
    action: v1[kind]?.[0] ?? (kind === 'claim' ? 'filed' : 'reported'),
    uscc: d.uscc,
    region: d.recordRegion,
    sector: d.sector,
    status: v1[kind]?.[1] ?? (kind === 'claim' ? 'filed' : 'open'),
    level: kind in v1 || kind === 'claim' ? null : kind === 'accident' ? 'larger' : urgent ? 'major' : 'general',
    businessTime: '2026-03-02T08:00:00+08:00',
    recordTime:
      kind === 'accident' ? '2026-03-01T09:00:00+08:00' : kind === 'claim' ? '2026-03-02T09:00:00+08:00' : null,
    acceptedAt: new Date(),
  };
}

/** What of department `d` must never appear in another's answer: its enterprise, its USCC, its event ids. */
function secretsOf(d: Dept, eventIds: Map<string, string[]>): string[] {
  return [d.name, d.uscc, ...(eventIds.get(d.id) ?? [])];
}

interface Captured {
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

describe('security matrix', () => {
  const hub = new TestHub('secmatrix', {
    services: ['gateway', 'notifier'],
    gateway: { AJX_RATE_LIMIT_PER_SECOND: 5000, AJX_RATE_LIMIT_BURST: 10000 },
  });
  const tokens = new Map<string, string>();
  const eventIds = new Map<string, string[]>();
  const cursors = new Map<string, string>();
  let operator: string;
  let writer: DeptProjectionWriter;
  const captured: Captured[] = [];
  let receiver: http.Server;
  let receiverUrl: string;

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${hub.url()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: text ? (JSON.parse(text) as Record<string, any>) : null,
      headers: res.headers,
    };
  };
  const audits = async (where: string, params: unknown[] = []) =>
    (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_entries WHERE ${where}`, params))[0].n;

  beforeAll(async () => {
    await hub.start();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({
          url: req.url ?? '',
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    for (const i of INSURERS) tokens.set(i, await hub.principal({ id: i, type: 'insurer', name: i }));
    for (const d of DEPTS) {
      tokens.set(
        d.id,
        await hub.principal({
          id: d.id,
          type: 'department',
          name: d.id,
          department: { kind: d.kind, level: d.level, regionCode: d.region },
        }),
      );
    }
    operator = await hub.principal({ id: 'sec-ops', type: 'operator', name: 'ops' });
    writer = new DeptProjectionWriter(hub.db);
    for (const d of DEPTS) {
      const changes = [
        ...subjectsOf(d).map((s, n) => change(d, s, n === 0)),
        change(d, v2SubjectsOf(d).accident, true, 'accident'),
        change(d, v2SubjectsOf(d).claim, false, 'claim'),
        change(d, v1SubjectsOf(d).policy, false, 'policy'),
        change(d, v1SubjectsOf(d).service, false, 'service'),
      ];
      eventIds.set(
        d.id,
        changes.map((c) => c.eventId),
      );
      await writer.apply(changes, []);
      const feed = await call('GET', '/v1/dept/feed?limit=100', tokens.get(d.id)!);
      expect(feed.body!.items.map((e: { subject: string }) => e.subject).sort()).toEqual(allSubjectsOf(d).sort());
      cursors.set(d.id, feed.body!.items[0].cursor as string);
    }
  });
  afterAll(async () => {
    await hub.stop();
    await new Promise((r) => receiver.close(r));
  });

  it('every insurer × every other insurer: upload refused 403, audited, nothing published', async () => {
    const before = new Map<string, number>();
    for (const i of INSURERS) before.set(i, (await readAll(hub.kafka, hub.ns.topicPrefix + rawTopicName(i))).length);
    for (const actor of INSURERS) {
      for (const target of INSURERS.filter((t) => t !== actor)) {
        const denied = `actor = $1 AND action = 'ingest.upload' AND target = $2 AND outcome = 'denied'`;
        const n0 = await audits(denied, [actor, target]);
        const res = await upload(hub.url(), tokens.get(actor)!, target, CONTENT[target].body(), CONTENT[target].type);
        expect({ actor, target, status: res.status, code: res.body.code }).toEqual({
          actor,
          target,
          status: 403,
          code: 'FORBIDDEN',
        });
        expect(res.body).not.toHaveProperty('batchId');
        expect(await audits(denied, [actor, target])).toBe(n0 + 1);
      }
    }
    const [{ n }] = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ingest_batches WHERE insurer = ANY($1)`,
      [INSURERS],
    );
    expect(n).toBe(0);
    for (const i of INSURERS) {
      expect((await readAll(hub.kafka, hub.ns.topicPrefix + rawTopicName(i))).length).toBe(before.get(i));
    }
  });

  it('every department × every other department: by id, filter, feed cursor, stream, ack and webhook — refused, audited, no data', async () => {
    // Only the first department has a webhook; the others must neither see nor touch it.
    const owner = DEPTS[0];
    const put = await call('PUT', '/v1/dept/webhook', tokens.get(owner.id)!, {
      url: `${receiverUrl}/owner-hook`,
      secret: 'owner-secret-0123456789abcdef',
    });
    expect(put.status).toBe(200);

    for (const me of DEPTS) {
      const token = tokens.get(me.id)!;
      const mine = new Set(allSubjectsOf(me));
      for (const other of DEPTS.filter((o) => o.id !== me.id)) {
        const pair = `${me.id} → ${other.id}`;
        const secrets = secretsOf(other, eventIds);
        const answers: string[] = [];
        const [theirs, ...rest] = subjectsOf(other);
        // By id: 404, exactly like a record that does not exist; audited as denied.
        const denied = `actor = $1 AND action = 'dept.read' AND target = $2 AND outcome = 'denied'`;
        const n0 = await audits(denied, [me.id, `hazard:*:${theirs}`]);
        const byId = await call('GET', `/v1/dept/hazards/${theirs}`, token);
        expect({ pair, status: byId.status, code: byId.body!.code }).toEqual({ pair, status: 404, code: 'NOT_FOUND' });
        expect(await audits(denied, [me.id, `hazard:*:${theirs}`])).toBe(n0 + 1);
        answers.push(byId.text, (await call('GET', `/v1/dept/hazards/${theirs}?insurer=PICC`, token)).text);
        // The other's accident and claim by id: 404 as well, audited.
        for (const [collection, subject] of [
          ['accidents', v2SubjectsOf(other).accident],
          ['claims', v2SubjectsOf(other).claim],
        ]) {
          const kind = collection === 'accidents' ? 'accident' : 'claim';
          const m0 = await audits(denied, [me.id, `${kind}:*:${subject}`]);
          const res = await call('GET', `/v1/dept/${collection}/${subject}`, token);
          expect({ pair, collection, status: res.status }).toEqual({ pair, collection, status: 404 });
          expect(await audits(denied, [me.id, `${kind}:*:${subject}`])).toBe(m0 + 1);
          answers.push(res.text);
        }
        // Filters that select only the other's records: an empty page (or only own records), in every collection.
        for (const [collection, own] of Object.entries(COLLECTION_FILTERS)) {
          for (const q of [
            `region=${other.recordRegion}`,
            `region=${other.recordRegion.slice(0, 2)}`,
            `uscc=${other.uscc}`,
            `sector=${other.sector}`,
            'insurer=PICC',
            'updatedSince=2000-01-01T00:00:00Z',
            ...own(other),
          ]) {
            const page = await call('GET', `/v1/dept/${collection}?${q}&limit=500`, token);
            expect({ pair, collection, q, status: page.status }).toEqual({ pair, collection, q, status: 200 });
            const subjects = (page.body!.items as { subject: string }[]).map((i) => i.subject);
            expect({ pair, collection, q, foreign: subjects.filter((s) => !mine.has(s)) }).toEqual({
              pair,
              collection,
              q,
              foreign: [],
            });
            answers.push(page.text);
          }
        }
        // The other's feed cursor: refused by page, stream (after and Last-Event-ID) and webhook start.
        const foreign = cursors.get(other.id)!;
        const feed = await call('GET', `/v1/dept/feed?after=${foreign}`, token);
        expect({ pair, status: feed.status, code: feed.body!.code }).toEqual({
          pair,
          status: 400,
          code: 'INVALID_CURSOR',
        });
        answers.push(feed.text);
        for (const opts of [{ lastEventId: foreign }, {}]) {
          const url = `${hub.url()}/v1/dept/feed/stream${'lastEventId' in opts ? '' : `?after=${foreign}`}`;
          const sse = await openSse(url, token, opts);
          expect({ pair, opts, status: sse.status }).toEqual({ pair, opts, status: 400 });
          sse.close();
        }
        if (me.id !== owner.id) {
          const hook = await call('PUT', '/v1/dept/webhook', token, {
            url: `${receiverUrl}/x`,
            secret: 'another-secret-0123456789abcdef',
            after: foreign,
          });
          expect({ pair, status: hook.status, code: hook.body!.code }).toEqual({
            pair,
            status: 400,
            code: 'INVALID_CURSOR',
          });
        }
        // Acknowledging the other's hazard or accident, or reading its acknowledgements: 404.
        for (const path of [
          `/v1/dept/hazards/${theirs}/ack`,
          `/v1/dept/accidents/${v2SubjectsOf(other).accident}/ack`,
        ]) {
          for (const method of ['POST', 'GET']) {
            const ack = await call(method, path, token, method === 'POST' ? { note: '处置意见' } : undefined);
            expect({ pair, method, path, status: ack.status }).toEqual({ pair, method, path, status: 404 });
            answers.push(ack.text);
          }
        }
        for (const a of answers) {
          // (The subjects asked for by id are echoed in the 404 messages; the enterprise and event ids never are.)
          for (const s of [...secrets, ...rest])
            expect({ pair, leaked: a.includes(s) ? s : null }).toEqual({ pair, leaked: null });
        }
      }
      // Own reading still works, and holds no one else's data.
      const own = await call('GET', '/v1/dept/hazards?limit=500', token);
      expect((own.body!.items as { subject: string }[]).map((i) => i.subject).sort()).toEqual(subjectsOf(me).sort());
      const ownV2 = [];
      for (const [collection, subject] of [
        ['accidents', v2SubjectsOf(me).accident],
        ['claims', v2SubjectsOf(me).claim],
      ]) {
        const page = await call('GET', `/v1/dept/${collection}?limit=500`, token);
        expect((page.body!.items as { subject: string }[]).map((i) => i.subject)).toEqual([subject]);
        ownV2.push(page.text);
      }
      const ownFeed = await call('GET', '/v1/dept/feed?limit=500', token);
      for (const other of DEPTS.filter((o) => o.id !== me.id)) {
        for (const s of [...secretsOf(other, eventIds), ...allSubjectsOf(other)]) {
          expect(own.text.includes(s) || ownFeed.text.includes(s) || ownV2.some((t) => t.includes(s))).toBe(false);
        }
      }
      // The webhook of another department is neither visible nor removable.
      if (me.id !== owner.id) {
        const mineHook = await call('GET', '/v1/dept/webhook', token);
        expect(mineHook.status).toBe(404);
        expect(mineHook.text).not.toContain('owner-hook');
        const deliveries = await call('GET', '/v1/dept/webhook/deliveries', token);
        expect(deliveries.body!.items).toEqual([]);
        expect((await call('DELETE', '/v1/dept/webhook', token)).status).toBe(404);
      }
    }
    const still = await call('GET', '/v1/dept/webhook', tokens.get(owner.id)!);
    expect(still).toMatchObject({ status: 200, body: { url: `${receiverUrl}/owner-hook` } });
    expect((await call('DELETE', '/v1/dept/webhook', tokens.get(owner.id)!)).status).toBe(204);
  });

  it('every department × every other department: policies, services and hazards by id and by filter — each 404 the answer for an id that does not exist', async () => {
    // The answer for a record that does not exist, with the id asked for taken out (it is echoed in the message).
    const shape = (body: Record<string, any> | null, id: string) => ({
      ...body,
      message: String(body?.message).split(id).join('<id>'),
      requestId: undefined,
    });
    for (const me of DEPTS) {
      const token = tokens.get(me.id)!;
      const mine = new Set(allSubjectsOf(me));
      for (const other of DEPTS.filter((o) => o.id !== me.id)) {
        const pair = `${me.id} → ${other.id}`;
        const cases: [string, string, string][] = [
          ['policies', 'policy', v1SubjectsOf(other).policy],
          ['services', 'service', v1SubjectsOf(other).service],
          ['hazards', 'hazard', subjectsOf(other)[0]],
        ];
        for (const [collection, kind, subject] of cases) {
          const nowhere = `SEC-nowhere-${randomUUID()}`;
          for (const query of ['', '?insurer=PICC']) {
            const denied = `actor = $1 AND action = 'dept.read' AND target = $2 AND outcome = 'denied'`;
            const n0 = await audits(denied, [me.id, `${kind}:${query ? 'PICC' : '*'}:${subject}`]);
            const theirs = await call('GET', `/v1/dept/${collection}/${subject}${query}`, token);
            const missing = await call('GET', `/v1/dept/${collection}/${nowhere}${query}`, token);
            expect({ pair, collection, query, status: theirs.status, code: theirs.body!.code }).toEqual({
              pair,
              collection,
              query,
              status: 404,
              code: 'NOT_FOUND',
            });
            expect({ pair, collection, query, answer: shape(theirs.body, subject) }).toEqual({
              pair,
              collection,
              query,
              answer: shape(missing.body, nowhere),
            });
            expect(await audits(denied, [me.id, `${kind}:${query ? 'PICC' : '*'}:${subject}`])).toBe(n0 + 1);
            for (const secret of secretsOf(other, eventIds))
              expect({ pair, leaked: theirs.text.includes(secret) }).toEqual({ pair, leaked: false });
          }
        }
        // Filters that select only the other's records: own records only, in the policies and services collections.
        for (const [collection, status] of [
          ['policies', 'active'],
          ['services', 'valid'],
        ]) {
          for (const q of [
            `region=${other.recordRegion}`,
            `region=${other.recordRegion.slice(0, 2)}`,
            `uscc=${other.uscc}`,
            `sector=${other.sector}`,
            'insurer=PICC',
            'updatedSince=2000-01-01T00:00:00Z',
            `status=${status}`,
          ]) {
            const page = await call('GET', `/v1/dept/${collection}?${q}&limit=500`, token);
            expect({ pair, collection, q, status: page.status }).toEqual({ pair, collection, q, status: 200 });
            const subjects = (page.body!.items as { subject: string }[]).map((i) => i.subject);
            expect({ pair, collection, q, foreign: subjects.filter((x) => !mine.has(x)) }).toEqual({
              pair,
              collection,
              q,
              foreign: [],
            });
          }
        }
      }
      // Its own policy and service are there.
      for (const [collection, subject] of [
        ['policies', v1SubjectsOf(me).policy],
        ['services', v1SubjectsOf(me).service],
      ]) {
        expect((await call('GET', `/v1/dept/${collection}/${subject}`, token)).status).toBe(200);
      }
    }
  });

  it('every insurer × every other insurer: batch report 404 exactly like a batch that does not exist, audited', async () => {
    const batches = new Map<string, string>();
    // A sample that is whole (not refused as a whole file) of each insurer.
    const wholeFile = (insurer: string) =>
      sampleFiles(insurer).find((f) => {
        const e = expectedOutputOf(insurer, f);
        return !(e.length === 1 && e[0].recordIndex === 0);
      })!;
    for (const owner of INSURERS) {
      const res = await upload(
        hub.url(),
        tokens.get(owner)!,
        owner,
        fs.readFileSync(wholeFile(owner)),
        CONTENT_TYPES[owner],
      );
      expect({ owner, status: res.status }).toEqual({ owner, status: 202 });
      batches.set(owner, res.body.batchId as string);
    }
    const shape = (body: Record<string, any> | null, id: string) => ({
      ...body,
      message: String(body?.message).split(id).join('<id>'),
      requestId: undefined,
    });
    for (const actor of INSURERS) {
      const nowhere = randomUUID();
      const missing = await call('GET', `/v1/ingest/batches/${nowhere}`, tokens.get(actor)!);
      expect(missing.status).toBe(404);
      for (const owner of INSURERS.filter((o) => o !== actor)) {
        const batchId = batches.get(owner)!;
        const denied = `actor = $1 AND action = 'ingest.batch.read' AND target = $2 AND outcome = 'denied'`;
        const n0 = await audits(denied, [actor, batchId]);
        const theirs = await call('GET', `/v1/ingest/batches/${batchId}`, tokens.get(actor)!);
        expect({ actor, owner, status: theirs.status, answer: shape(theirs.body, batchId) }).toEqual({
          actor,
          owner,
          status: 404,
          answer: shape(missing.body, nowhere),
        });
        expect(await audits(denied, [actor, batchId])).toBe(n0 + 1);
      }
      // Its own report is there.
      expect((await call('GET', `/v1/ingest/batches/${batches.get(actor)!}`, tokens.get(actor)!)).status).toBe(200);
    }
  });

  it('refuses missing, malformed, tampered, unknown, expired, revoked and disabled credentials: 401, specific, audited, no echo', async () => {
    const dept = DEPTS[1];
    const good = tokens.get(dept.id)!;
    const body = good.slice(6);
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const expired = await hub.credentials.issue(dept.id, { validDays: 1 }, 'test');
    await hub.db.query(`UPDATE credentials SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    const revoked = await hub.credentials.issue(dept.id, { validDays: 1 }, 'test');
    await hub.credentials.revoke(revoked.id, 'test');
    await hub.principal({
      id: 'sec-disabled',
      type: 'department',
      name: 'disabled',
      department: { kind: 'emergency', level: 'county', regionCode: '330102' },
    });
    const disabled = (await hub.credentials.issue('sec-disabled', { validDays: 1 }, 'test')).token;
    await hub.db.query(`UPDATE principals SET disabled_at = now() WHERE id = 'sec-disabled'`);

    const cases: { name: string; header: string | null; reason: string; message: RegExp }[] = [
      { name: 'missing', header: null, reason: 'missing', message: /a bearer token is required/ },
      { name: 'empty bearer', header: 'Bearer ', reason: 'malformed', message: /malformed/ },
      {
        name: 'other scheme',
        header: `Basic ${Buffer.from('a:b').toString('base64')}`,
        reason: 'malformed',
        message: /malformed/,
      },
      { name: 'garbage', header: 'Bearer not-a-token', reason: 'malformed', message: /malformed/ },
      { name: 'truncated', header: `Bearer ${good.slice(0, -1)}`, reason: 'malformed', message: /malformed/ },
      { name: 'prefix swapped', header: `Bearer ajx_o_${body}`, reason: 'unknown', message: /not valid/ },
      ...[0, 10, 21, 42].map((at) => ({
        name: `one character changed at ${at}`,
        header: `Bearer ${good.slice(0, 6)}${flip(body, at)}`,
        reason: 'unknown',
        message: /not valid/,
      })),
      {
        name: 'halves swapped',
        header: `Bearer ${good.slice(0, 6)}${body.slice(22)}${body.slice(0, 22)}`,
        reason: 'unknown',
        message: /not valid/,
      },
      { name: 'expired', header: `Bearer ${expired.token}`, reason: 'expired', message: /has expired/ },
      { name: 'revoked', header: `Bearer ${revoked.token}`, reason: 'revoked', message: /has been revoked/ },
      { name: 'disabled principal', header: `Bearer ${disabled}`, reason: 'disabled', message: /disabled/ },
    ];
    // Failed authentications are throttled per address (burst 20): one path per case keeps this under it.
    const paths = [
      '/v1/dept/hazards',
      `/v1/dept/hazards/${subjectsOf(dept)[0]}`,
      '/v1/dept/feed',
      '/v1/ingest/PICC/files',
    ];
    for (const [k, c] of cases.entries()) {
      const path = paths[k % paths.length];
      {
        const where = `action = 'auth.refused' AND outcome = 'denied' AND details->>'reason' = $1 AND target = $2`;
        const method = path.includes('ingest') ? 'POST' : 'GET';
        const n0 = await audits(where, [c.reason, `${method} ${path}`]);
        const res = await fetch(`${hub.url()}${path}`, {
          method,
          headers: c.header === null ? {} : { authorization: c.header },
        });
        const text = await res.text();
        expect({ path, case: c.name, status: res.status }).toEqual({ path, case: c.name, status: 401 });
        const json = JSON.parse(text) as { code: string; message: string };
        expect(json.code).toBe('UNAUTHENTICATED');
        expect({ case: c.name, message: json.message }).toEqual({
          case: c.name,
          message: expect.stringMatching(c.message),
        });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        if (c.header && c.header.length > 10) expect(text).not.toContain(c.header.slice(7, 30));
        for (const s of [...secretsOf(dept, eventIds), ...subjectsOf(dept).slice(1)]) expect(text).not.toContain(s);
        expect({ case: c.name, audited: await audits(where, [c.reason, `${method} ${path}`]) }).toEqual({
          case: c.name,
          audited: n0 + 1,
        });
      }
    }
    // Guessing tokens: the address is throttled (429 with Retry-After) once it has failed too often.
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${hub.url()}/v1/dept/feed`, {
          headers: { authorization: `Bearer ajx_d_${String(i).padStart(43, 'x')}` },
        }),
      ),
    );
    const limited = guesses.filter((g) => g.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(guesses.every((g) => g.status === 401 || g.status === 429)).toBe(true);
  });

  it('refuses principals outside a route’s roles: 403, audited', async () => {
    const routes: [string, string, string][] = [
      ['GET', '/v1/dept/hazards', 'PICC'],
      ['GET', '/v1/dept/feed', 'PICC'],
      ['GET', '/v1/admin/principals', DEPTS[0].id],
      ['GET', '/v1/admin/credentials', 'PINGAN'],
      ['GET', '/v1/admin/webhooks/deliveries', DEPTS[2].id],
      ['GET', '/v1/interchange/events', DEPTS[3].id],
      ['GET', '/v1/interchange/events', 'CPIC'],
      ['GET', '/v1/interchange/events', operator],
    ];
    for (const [method, path, who] of routes) {
      const token = tokens.get(who) ?? who;
      const actor = tokens.has(who) ? who : 'sec-ops';
      const where = `actor = $1 AND action = 'auth.forbidden' AND target = $2 AND outcome = 'denied'`;
      const n0 = await audits(where, [actor, `${method} ${path}`]);
      const res = await call(method, path, token);
      expect({ path, who: actor, status: res.status, code: res.body!.code }).toEqual({
        path,
        who: actor,
        status: 403,
        code: 'FORBIDDEN',
      });
      expect(await audits(where, [actor, `${method} ${path}`])).toBe(n0 + 1);
    }
  });

  describe('SQL injection on every filter', () => {
    const PAYLOADS = [
      `' OR 1=1--`,
      `'; DROP TABLE dept_views; --`,
      `1) OR (1=1`,
      `" OR ""="`,
      `＇ OR １=１--`,
      `ʼ OR 1=1--`,
      `\u2019 OR 1=1--`,
      `%`,
      `_`,
      `33%`,
      `3_0102`,
      `%' OR '%'='`,
      `\\`,
      `$1`,
      `\u0000`,
      `330102 UNION SELECT * FROM credentials`,
      `x`.repeat(8000),
    ];
    const DEPT_FILTERS = [
      'uscc',
      'region',
      'sector',
      'status',
      'level',
      'updatedSince',
      'insurer',
      'after',
      'limit',
      'from',
      'to',
    ];

    it('department collections, one record, feed and deliveries: the one status and code each parameter calls for; tables intact', async () => {
      const counts = async () =>
        hub.db.query<{ t: string; n: number }[]>(
          `SELECT 'dept_views' AS t, count(*)::int AS n FROM dept_views UNION ALL
           SELECT 'principals', count(*)::int FROM principals UNION ALL
           SELECT 'credentials', count(*)::int FROM credentials UNION ALL
           SELECT 'dept_feed', count(*)::int FROM dept_feed ORDER BY 1`,
        );
      const before = await counts();
      const me = DEPTS[0];
      const token = tokens.get(me.id)!;
      const mine = new Set(allSubjectsOf(me));
      const requests: string[] = [];
      /** Issue 21: the one answer each request must get (status and code), by where the payload goes. */
      const expectedOf = new Map<string, string>();
      const add = (path: string, answer: string) => {
        requests.push(path);
        expectedOf.set(path, answer);
      };
      const INVALID = '400 INVALID_REQUEST';
      for (const p of PAYLOADS) {
        const v = encodeURIComponent(p);
        // A NUL anywhere in the URL: refused before anything else.
        const or = (answer: string) => (p.includes('\u0000') ? INVALID : answer);
        // The cursor of the collections and the feed: a value shaped like one (base64url) is refused as a cursor this
        // API did not issue, anything else as an invalid parameter; the deliveries' and the register's are numbers.
        const cursor = /^[A-Za-z0-9_-]{1,512}$/.test(p) ? '400 INVALID_CURSOR' : INVALID;
        for (const c of ['policies', 'services', 'hazards', 'accidents', 'claims']) {
          // No payload is a valid value of any filter.
          for (const f of DEPT_FILTERS) add(`/v1/dept/${c}?${f}=${v}`, or(f === 'after' ? cursor : INVALID));
          add(`/v1/dept/${c}/${v}`, or('404 NOT_FOUND'));
          add(`/v1/dept/${c}/${subjectsOf(me)[0]}?insurer=${v}`, or('400 INVALID_QUERY'));
        }
        for (const c of ['hazards', 'accidents']) add(`/v1/dept/${c}/${v}/ack`, or('404 NOT_FOUND'));
        for (const f of ['after', 'limit', 'urgent'])
          add(`/v1/dept/feed?${f}=${v}`, or(f === 'after' ? cursor : INVALID));
        for (const f of ['state', 'after', 'limit']) add(`/v1/dept/webhook/deliveries?${f}=${v}`, or(INVALID));
        for (const f of ['region', 'sector', 'uscc', 'version', 'after', 'limit'])
          add(`/v1/register?${f}=${v}`, or(INVALID));
      }
      const wrong: { path: string; expected: string; got: string }[] = [];
      let refused = 0;
      let refusedAfterAuth = 0;
      const [{ last }] = await hub.db.query<{ last: string }[]>(
        `SELECT coalesce(max(id), 0) AS last FROM audit_entries`,
      );
      for (const path of requests) {
        const res = await call('GET', path, token);
        const got = `${res.status} ${res.body?.code as string}`;
        if (got !== expectedOf.get(path))
          wrong.push({ path: path.slice(0, 120), expected: expectedOf.get(path)!, got });
        // A NUL in the URL is refused before authentication (no principal yet): not a request.invalid entry.
        if (res.status === 400 && !path.includes('%00')) refusedAfterAuth++;
        expect({ path: path.slice(0, 120), ok: [200, 400, 404].includes(res.status) }).toEqual({
          path: path.slice(0, 120),
          ok: true,
        });
        if (res.status === 400) {
          refused++;
          expect(['INVALID_REQUEST', 'INVALID_QUERY', 'INVALID_CURSOR']).toContain(res.body!.code);
          expect(JSON.stringify(res.body)).not.toMatch(/syntax error|relation|column|pg_|SQL/i);
        } else if (res.status === 200 && Array.isArray(res.body!.items) && path.startsWith('/v1/dept/')) {
          for (const i of res.body!.items as { subject?: string }[])
            if (i.subject) expect(mine.has(i.subject)).toBe(true);
        } else if (res.status === 404) expect(res.body!.code).toBe('NOT_FOUND');
        for (const other of DEPTS.slice(1)) expect(res.text).not.toContain(other.name);
      }
      expect(wrong).toEqual([]);
      expect(refused).toBeGreaterThan(requests.length / 2);
      expect(await counts()).toEqual(before);
      // Issue 21 item 7: every one of those 400s is audited (request.invalid, denied), with the route and the code.
      const audited = await hub.db.query<{ target: string; details: { code: string; problems?: string[] } }[]>(
        `SELECT target, details FROM audit_entries
         WHERE action = 'request.invalid' AND actor = $1 AND outcome = 'denied' AND id > $2`,
        [me.id, last],
      );
      expect(audited).toHaveLength(refusedAfterAuth);
      expect(audited).toContainEqual({
        target: 'GET /v1/dept/:collection',
        details: expect.objectContaining({ code: 'INVALID_REQUEST', problems: expect.any(Array) }) as unknown,
      });
    });

    it('admin list endpoints: the one status and code each parameter calls for, or an exact-match (empty) answer; tables intact', async () => {
      const [{ n: principals }] = await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM principals');
      const INVALID = '400 INVALID_REQUEST';
      const wrong: { path: string; payload: string; expected: string; got: string }[] = [];
      for (const p of PAYLOADS) {
        const v = encodeURIComponent(p);
        // The one answer each request must get (issue 21): a NUL is refused before anything else; a value shaped
        // like an id is an exact-match filter that matches nothing (200, empty) or an unknown id (404).
        const or = (answer: string) => (p.includes('\u0000') ? INVALID : answer);
        const idShaped = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/.test(p);
        const cases: [string, string][] = [
          [`/v1/admin/principals?type=${v}`, or('400 INVALID_QUERY')],
          [`/v1/admin/principals/${v}`, or('404 NOT_FOUND')],
          [`/v1/admin/credentials?principal=${v}`, or('200 empty')],
          [`/v1/admin/webhooks/deliveries?department=${v}`, idShaped ? '200 empty' : INVALID],
          [`/v1/admin/webhooks/deliveries?state=${v}`, INVALID],
          [`/v1/admin/webhooks/deliveries?limit=${v}`, INVALID],
          [`/v1/admin/escalations?state=${v}`, INVALID],
          [`/v1/admin/escalations?kind=${v}`, INVALID],
          [`/v1/admin/escalations?limit=${v}`, INVALID],
          [`/v1/register/versions?limit=${v}`, INVALID],
        ];
        for (const [path, expected] of cases) {
          const res = await call('GET', path, operator);
          // An injected filter matches nothing: no credential or principal list leaks through it.
          const items = Array.isArray(res.body) ? res.body : ((res.body?.items as unknown[] | undefined) ?? null);
          const got =
            res.status === 200
              ? `200 ${items && items.length === 0 ? 'empty' : JSON.stringify(items).slice(0, 80)}`
              : `${res.status} ${res.body?.code as string}`;
          if (got !== expected) wrong.push({ path: path.slice(0, 100), payload: p.slice(0, 40), expected, got });
        }
      }
      expect(wrong).toEqual([]);
      // A NUL in a JSON body or a path is a specific 400, never a database error.
      const nulName = await call('POST', '/v1/admin/principals', operator, {
        id: 'sec-nul',
        type: 'operator',
        name: 'a\u0000b',
      });
      expect(nulName).toMatchObject({
        status: 400,
        body: { code: 'INVALID_REQUEST', message: expect.stringMatching(/NUL/) },
      });
      const nulPath = await call('GET', '/v1/dept/hazards/SEC%00x', tokens.get(DEPTS[0].id)!);
      expect(nulPath).toMatchObject({
        status: 400,
        body: { code: 'INVALID_REQUEST', message: expect.stringMatching(/URL holds a NUL/) },
      });
      expect((await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM principals'))[0].n).toBe(principals);
      expect(await hub.db.query(`SELECT to_regclass('dept_views') IS NOT NULL AS ok`)).toEqual([{ ok: true }]);
    });
  });

  describe('webhooks: header injection, forged and replayed deliveries', () => {
    const secret = 'X-Injected:1-0123456789abcdefghij';

    it('refuses CR/LF and header-like content in the URL and secret at configuration (400), audited', async () => {
      const token = tokens.get(DEPTS[1].id)!;
      const denied = `actor = $1 AND action = 'webhook.configure' AND outcome = 'denied'`;
      const n0 = await audits(denied, [DEPTS[1].id]);
      for (const [url, s] of [
        [`${receiverUrl}/h\r\nX-Injected: 1`, 'a-fine-secret-0123456789abcdef'],
        [`${receiverUrl}/h\nX-Injected: 1`, 'a-fine-secret-0123456789abcdef'],
        [`${receiverUrl}/h\rX-Injected: 1`, 'a-fine-secret-0123456789abcdef'],
        [`${receiverUrl}/h X-Injected: 1`, 'a-fine-secret-0123456789abcdef'],
        [`${receiverUrl}/h\u0000`, 'a-fine-secret-0123456789abcdef'],
        [`${receiverUrl}/h`, 'a-fine-secret-0123456789\r\nX-Injected: 1'],
        [`${receiverUrl}/h`, 'a-fine-secret-0123456789\nX-Injected:1'],
        [`${receiverUrl}/h`, 'X-Injected: 1 0123456789abcdefghij'],
        [`${receiverUrl}/h`, 'a-fine-secret-0123456789\u0085abc'],
      ]) {
        const res = await call('PUT', '/v1/dept/webhook', token, { url, secret: s });
        expect({ url: JSON.stringify(url), secret: JSON.stringify(s), status: res.status }).toEqual({
          url: JSON.stringify(url),
          secret: JSON.stringify(s),
          status: 400,
        });
        expect(res.text).not.toContain('X-Injected');
      }
      expect((await call('GET', '/v1/dept/webhook', token)).status).toBe(404);
      // The URLs reach the URL policy and are refused there, audited (the secrets are refused by validation).
      expect(await audits(denied, [DEPTS[1].id])).toBe(n0 + 4);
    });

    it('delivers with only its own generated headers; a receiver’s guard refuses forged and replayed deliveries', async () => {
      const d = DEPTS[1];
      const token = tokens.get(d.id)!;
      // Header-ish but legal: percent-encoded CR/LF in the path and a secret shaped like a header. Neither is ever a header.
      const url = `${receiverUrl}/hook%0d%0aX-Injected:%201?x=%0aX-Evil:1`;
      const put = await call('PUT', '/v1/dept/webhook', token, { url, secret });
      expect(put.status).toBe(200);
      await writer.apply([change(d, `SEC-${d.id}-hook`, false)], []);
      const got = await waitFor(() => captured.find((c) => c.url.startsWith('/hook')), {
        what: 'a webhook delivery',
        timeoutMs: 30000,
        intervalMs: 100,
      });
      expect(got.url).toBe('/hook%0d%0aX-Injected:%201?x=%0aX-Evil:1');
      const names = got.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
      expect(names.sort()).toEqual(
        [
          'connection',
          'content-length',
          'content-type',
          'host',
          'user-agent',
          WebhookHeaders.id,
          WebhookHeaders.signature,
          WebhookHeaders.timestamp,
        ].sort(),
      );
      for (const v of got.rawHeaders) expect(v).not.toMatch(/[\r\n]|X-Injected|X-Evil/);

      const guard = new WebhookReceiverGuard(secret);
      const headers = got.headers as Record<string, string>;
      const first = await guard.check(headers, got.body);
      expect(first).toEqual({ ok: true, deliveryId: headers[WebhookHeaders.id], duplicate: false });
      await guard.processed(headers[WebhookHeaders.id]);
      // The captured request sent again: replayed. Edited body, another secret, an old timestamp: refused.
      expect(await guard.check(headers, got.body)).toEqual({ ok: false, reason: 'replayed' });
      const edited = Buffer.from(got.body.toString().replace(`SEC-${d.id}-hook`, `SEC-${d.id}-h00k`));
      expect(await new WebhookReceiverGuard(secret).check(headers, edited)).toEqual({ ok: false, reason: 'mismatch' });
      expect(await new WebhookReceiverGuard('another-secret-0123456789abcdef').check(headers, got.body)).toEqual({
        ok: false,
        reason: 'mismatch',
      });
      const later = new WebhookReceiverGuard(secret, { now: () => Date.now() + 600_000 });
      expect(await later.check(headers, got.body)).toEqual({ ok: false, reason: 'stale' });
      expect((await call('DELETE', '/v1/dept/webhook', token)).status).toBe(204);
    });
  });
});
