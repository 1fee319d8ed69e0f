import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { builtInRulePackBySpec, entitlementMatrix, maskRecord, matrixDepartmentId } from '@ajx/authz';
import type { AccidentRecord, ClaimRecord, RecordKind } from '@ajx/contracts';
import { waitFor } from '@ajx/testing';
import { verifyWebhookSignature, WebhookHeaders } from '@ajx/webhooks';
import { isUrgentAccident } from '../../../apps/router/src/route-planner';
import { expectedOutputOf, getJson, sampleFiles, SAMPLES_V2, TestHub, upload } from '../support/hub';
import { openSse } from '../support/sse';

/*
 * Issue 24 (data standard v2 downstream) on the real stack: the v2 sample files of every insurer go through the
 * gateway, the normaliser and the router (rule pack default@2) to exactly the entitled departments of the matrix —
 * accidents to 应急管理 and the sector departments, claims to them and the financial regulator — with the
 * commercial fields (direct loss, claim amounts) masked for the sector departments; urgent accidents flagged for the
 * first tier of their lane. Departments read them through the collections (with their filters), the cursor feed,
 * the stream and webhooks; a department not entitled to a record finds it by none of them.
 */

type V2Kind = 'accident' | 'claim';
const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];
const COLLECTION: Record<V2Kind, string> = { accident: 'accidents', claim: 'claims' };
const HOOK_DEPARTMENT = matrixDepartmentId('emergency', '330000');
const HOOK_SECRET = 'v2-webhook-secret-0123456789abcdef';

interface Latest {
  kind: V2Kind;
  insurer: string;
  subject: string;
  version: number;
  data: AccidentRecord | ClaimRecord;
}

interface Delivered {
  kind: string;
  subject: string;
  data: unknown;
}

describe('data standard v2 downstream: accidents and claims to the entitled departments', () => {
  const pack = builtInRulePackBySpec('default@2');
  const matrix = entitlementMatrix(pack);
  const hub = new TestHub('v2records', {
    services: ['gateway', 'normalizer', 'router', 'notifier'],
    router: { AJX_RULE_PACK: 'default@2' },
    gateway: { AJX_RULE_PACK: 'default@2', AJX_RATE_LIMIT_PER_SECOND: 5000, AJX_RATE_LIMIT_BURST: 10000 },
  });
  const tokens = new Map<string, string>();
  const latest = new Map<string, Latest>();
  const delivered: Delivered[] = [];
  let receiver: http.Server;

  const scopeOf = (r: Latest) => ({
    kind: r.kind as RecordKind,
    regionCode: r.data.enterprise.regionCode,
    sector: r.data.enterprise.sector,
  });
  const entitlementOf = (r: Latest, departmentId: string) =>
    matrix.expectedEntitlements(scopeOf(r)).find((e) => e.departmentId === departmentId);
  const viewOf = (r: Latest, departmentId: string) => {
    const ent = entitlementOf(r, departmentId);
    return ent ? maskRecord(r.kind, r.data, ent) : undefined;
  };
  const firstTier = (r: Latest) => {
    const plan = matrix.expectedUrgentPlan(scopeOf(r));
    return plan.county.length ? plan.county : plan.city.length ? plan.city : plan.province;
  };
  const records = (kind?: V2Kind) => [...latest.values()].filter((r) => !kind || r.kind === kind);
  const pageAll = async (departmentId: string, collection: string, query = '') => {
    const items: { subject: string; urgent: boolean; data: unknown; level: string | null; status: string }[] = [];
    let after: string | null = null;
    do {
      const page = await getJson(
        `${hub.url()}/v1/dept/${collection}?limit=100${query}${after ? `&after=${after}` : ''}`,
        tokens.get(departmentId)!,
      );
      expect({ departmentId, collection, query, status: page.status }).toEqual({
        departmentId,
        collection,
        query,
        status: 200,
      });
      items.push(...page.body.items);
      after = page.body.next;
    } while (after);
    return items;
  };
  const feedAll = async (departmentId: string) => {
    const entries: { kind: string; subject: string; cursor: string; urgent: boolean }[] = [];
    let after = '';
    for (;;) {
      const page = await getJson(
        `${hub.url()}/v1/dept/feed?limit=500${after ? `&after=${after}` : ''}`,
        tokens.get(departmentId)!,
      );
      expect(page.status).toBe(200);
      entries.push(...page.body.items);
      after = page.body.next;
      if (!page.body.more) return entries;
    }
  };

  beforeAll(async () => {
    await hub.start();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const check = verifyWebhookSignature(
          HOOK_SECRET,
          {
            timestamp: req.headers[WebhookHeaders.timestamp] as string | undefined,
            signature: req.headers[WebhookHeaders.signature] as string | undefined,
          },
          body,
        );
        if (!check.ok) return void res.writeHead(401).end();
        const { entry } = JSON.parse(body.toString()) as { entry: Delivered };
        delivered.push({ kind: entry.kind, subject: entry.subject, data: entry.data });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    for (const d of matrix.departments) {
      tokens.set(
        d.id,
        await hub.principal({
          id: d.id,
          type: 'department',
          name: d.name,
          department: { kind: d.kind, level: d.level, regionCode: d.regionCode },
        }),
      );
    }
    const hook = await fetch(`${hub.url()}/v1/dept/webhook`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.get(HOOK_DEPARTMENT)!}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        secret: HOOK_SECRET,
      }),
    });
    expect(hook.status).toBe(200);

    const batches: { insurer: string; batchId: string }[] = [];
    for (const insurer of INSURERS) {
      const token = await hub.principal({ id: insurer, type: 'insurer', name: insurer });
      for (const file of sampleFiles(insurer, SAMPLES_V2)) {
        const res = await upload(hub.url(), token, insurer, fs.readFileSync(file));
        expect({ file: path.basename(file), status: res.status }).toEqual({ file: path.basename(file), status: 202 });
        batches.push({ insurer, batchId: res.body.batchId as string });
        for (const e of expectedOutputOf(insurer, file, SAMPLES_V2)) {
          if (e.reject) continue;
          const key = `${e.kind}|${insurer}|${e.subject}`;
          const seen = latest.get(key);
          if (!seen || seen.version < e.data!.version)
            latest.set(key, {
              kind: e.kind as V2Kind,
              insurer,
              subject: e.subject!,
              version: e.data!.version,
              data: e.data as unknown as AccidentRecord | ClaimRecord,
            });
        }
      }
      for (const b of batches.filter((x) => x.insurer === insurer)) {
        await waitFor(
          async () => (await getJson(`${hub.url()}/v1/ingest/batches/${b.batchId}`, token)).body.complete || undefined,
          { what: `batch ${b.batchId} normalised`, timeoutMs: 60000, intervalMs: 250 },
        );
      }
    }
    const expectedRows = records().reduce((n, r) => n + matrix.expectedEntitlements(scopeOf(r)).length, 0);
    const rows = async () =>
      (
        await hub.db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM dept_views WHERE kind IN ('accident', 'claim')`,
        )
      )[0].n;
    await waitFor(async () => (await rows()) === expectedRows || undefined, {
      what: `${expectedRows} accident and claim view rows`,
      timeoutMs: 60000,
      intervalMs: 250,
    });
    // Every record routed at its latest version (versions of one record may arrive from several files).
    await waitFor(
      async () => {
        const routed = await hub.db.query<{ k: string }[]>(
          `SELECT kind || '|' || insurer || '|' || subject || '|' || version AS k FROM route_records
           WHERE kind IN ('accident', 'claim')`,
        );
        const want = new Set(records().map((r) => `${r.kind}|${r.insurer}|${r.subject}|${r.version}`));
        return routed.length === want.size && routed.every((r) => want.has(r.k)) ? true : undefined;
      },
      { what: 'latest versions routed', timeoutMs: 60000, intervalMs: 250 },
    );
  }, 180000);
  afterAll(async () => {
    await hub.stop();
    await new Promise((r) => receiver.close(r));
  });

  it('has accidents and claims of every insurer, urgent accidents among them', () => {
    for (const insurer of INSURERS)
      for (const kind of ['accident', 'claim'] as const)
        expect({ insurer, kind, some: records(kind).some((r) => r.insurer === insurer) }).toEqual({
          insurer,
          kind,
          some: true,
        });
    expect(records('accident').filter((r) => isUrgentAccident(r.data as AccidentRecord)).length).toBeGreaterThan(3);
  });

  it('gives every department exactly the accidents and claims it is entitled to, masked as specified (tables)', async () => {
    const rows = await hub.db.query<
      {
        department_id: string;
        kind: string;
        insurer: string;
        subject: string;
        version: number;
        urgent: boolean;
        data: unknown;
      }[]
    >(
      `SELECT v.department_id, v.kind, v.insurer, v.subject, v.version, v.urgent, p.data
       FROM dept_views v JOIN dept_payloads p USING (payload_id) WHERE v.kind IN ('accident', 'claim')`,
    );
    for (const d of matrix.departments) {
      const want = Object.fromEntries(
        records()
          .filter((r) => entitlementOf(r, d.id))
          .map((r) => [
            `${r.kind}|${r.insurer}|${r.subject}`,
            {
              version: r.version,
              urgent:
                r.kind === 'accident' && isUrgentAccident(r.data as AccidentRecord) && firstTier(r).includes(d.id),
              data: viewOf(r, d.id),
            },
          ]),
      );
      const got = Object.fromEntries(
        rows
          .filter((r) => r.department_id === d.id)
          .map((r) => [`${r.kind}|${r.insurer}|${r.subject}`, { version: r.version, urgent: r.urgent, data: r.data }]),
      );
      expect({ department: d.id, rows: got }).toEqual({ department: d.id, rows: want });
    }
    // The masks at work: a sector department sees no direct loss and no amounts, emergency and the regulator do.
    const claim = records('claim').find(
      (r) => r.data.enterprise.sector === 'construction' && r.data.enterprise.regionCode.startsWith('33'),
    )!;
    const sector = rows.find((r) => r.department_id === '330000-construction' && r.subject === claim.subject)!;
    expect(sector.data).toMatchObject({ claimedFen: null, agreedFen: null, paidFen: null });
    const regulator = rows.find(
      (r) => r.department_id === '330000-financial_regulator' && r.subject === claim.subject,
    )!;
    expect(regulator.data).toEqual(claim.data);
    const accident = records('accident').find(
      (r) => r.data.enterprise.sector === 'construction' && (r.data as AccidentRecord).directLossFen !== null,
    )!;
    const province = accident.data.enterprise.regionCode.slice(0, 2) + '0000';
    expect(
      rows.find((r) => r.department_id === `${province}-construction` && r.subject === accident.subject)!.data,
    ).toMatchObject({
      directLossFen: null,
    });
    expect(
      rows.find((r) => r.department_id === `${province}-emergency` && r.subject === accident.subject)!.data,
    ).toEqual(accident.data);
  });

  it('answers the collections the same through the API, one record by id, 404 outside the entitlement', async () => {
    for (const d of matrix.departments) {
      for (const kind of ['accident', 'claim'] as const) {
        const items = await pageAll(d.id, COLLECTION[kind]);
        const want = records(kind)
          .filter((r) => entitlementOf(r, d.id))
          .map((r) => ({ subject: r.subject, data: viewOf(r, d.id) }))
          .sort((a, b) => (a.subject < b.subject ? -1 : 1));
        expect({
          d: d.id,
          kind,
          items: items
            .map((i) => ({ subject: i.subject, data: i.data }))
            .sort((a, b) => (a.subject < b.subject ? -1 : 1)),
        }).toEqual({
          d: d.id,
          kind,
          items: want,
        });
      }
      const notMine = records().find((r) => !entitlementOf(r, d.id));
      if (notMine) {
        const res = await getJson(
          `${hub.url()}/v1/dept/${COLLECTION[notMine.kind]}/${notMine.subject}`,
          tokens.get(d.id)!,
        );
        expect({ d: d.id, status: res.status }).toEqual({ d: d.id, status: 404 });
      }
      const mine = records().find((r) => entitlementOf(r, d.id));
      if (mine) {
        const res = await getJson(`${hub.url()}/v1/dept/${COLLECTION[mine.kind]}/${mine.subject}`, tokens.get(d.id)!);
        expect({ d: d.id, status: res.status, data: res.body.data }).toEqual({
          d: d.id,
          status: 200,
          data: viewOf(mine, d.id),
        });
      }
    }
  });

  it('filters accidents by grade, status, period and enterprise, claims by status and period', async () => {
    const emergency = matrixDepartmentId('emergency', '330000');
    const zj = (kind: V2Kind) => records(kind).filter((r) => r.data.enterprise.regionCode.startsWith('33'));
    const subjects = (items: { subject: string }[]) => items.map((i) => i.subject).sort();
    const want = (rs: Latest[]) => rs.map((r) => r.subject).sort();

    for (const grade of ['general', 'larger'] as const)
      expect(subjects(await pageAll(emergency, 'accidents', `&level=${grade}`))).toEqual(
        want(zj('accident').filter((r) => (r.data as AccidentRecord).grade === grade)),
      );
    expect(subjects(await pageAll(emergency, 'accidents', '&status=closed'))).toEqual(
      want(zj('accident').filter((r) => (r.data as AccidentRecord).status === 'closed')),
    );
    for (const status of ['filed', 'paid', 'withdrawn'] as const)
      expect(subjects(await pageAll(emergency, 'claims', `&status=${status}`))).toEqual(
        want(zj('claim').filter((r) => r.data.action === status)),
      );
    // A period: accidents by the day they occurred, claims by the day they were filed (both inclusive).
    const occurred = zj('accident')
      .map((r) => (r.data as AccidentRecord).occurredAt.slice(0, 10))
      .sort();
    const [from, to] = [occurred[1], occurred[occurred.length - 2]];
    expect(subjects(await pageAll(emergency, 'accidents', `&from=${from}&to=${to}`))).toEqual(
      want(
        zj('accident').filter((r) => {
          const day = (r.data as AccidentRecord).occurredAt.slice(0, 10);
          return day >= from && day <= to;
        }),
      ),
    );
    const filed = zj('claim')
      .map((r) => (r.data as ClaimRecord).filedAt.slice(0, 10))
      .sort();
    expect(subjects(await pageAll(emergency, 'claims', `&from=${filed[0]}&to=${filed[0]}`))).toEqual(
      want(zj('claim').filter((r) => (r.data as ClaimRecord).filedAt.startsWith(filed[0]))),
    );
    // An enterprise's accidents and claims (the enterprise profile lists them by uscc).
    const uscc = zj('claim')[0].data.enterprise.uscc;
    for (const kind of ['accident', 'claim'] as const)
      expect(subjects(await pageAll(emergency, COLLECTION[kind], `&uscc=${uscc}`))).toEqual(
        want(zj(kind).filter((r) => r.data.enterprise.uscc === uscc)),
      );
    // Filters that do not fit the collection are refused, naming what fits.
    const bad = async (q: string) => (await getJson(`${hub.url()}/v1/dept/${q}`, tokens.get(emergency)!)).body;
    expect(await bad('claims?level=major')).toMatchObject({
      code: 'INVALID_QUERY',
      message: 'claims have no level to filter by',
    });
    expect(await bad('accidents?status=paid')).toMatchObject({
      code: 'INVALID_QUERY',
      message: 'status paid is not one of accidents: open, closed',
    });
    expect(await bad('hazards?from=2024-01-01')).toMatchObject({ code: 'INVALID_QUERY' });
    expect(await bad('claims?from=2024-02-01&to=2024-01-01')).toMatchObject({
      code: 'INVALID_QUERY',
      message: 'from 2024-02-01 is after to 2024-01-01',
    });
    expect(await bad('claims?from=2024-13-01')).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('flags urgent accidents for the first tier of their lane in the feed, and opens their escalations', async () => {
    const urgent = records('accident').filter((r) => isUrgentAccident(r.data as AccidentRecord));
    for (const r of urgent) {
      for (const d of firstTier(r)) {
        const feed = await getJson(`${hub.url()}/v1/dept/feed?urgent=true&limit=500`, tokens.get(d)!);
        expect({
          d,
          subject: r.subject,
          urgent: feed.body.items.some((e: { subject: string }) => e.subject === r.subject),
        }).toEqual({
          d,
          subject: r.subject,
          urgent: true,
        });
      }
    }
    const escalations = await hub.db.query<{ subject: string; state: string }[]>(
      `SELECT subject, state FROM hazard_escalations WHERE kind = 'accident'`,
    );
    const open = urgent.filter((r) => (r.data as AccidentRecord).status === 'open' && firstTier(r).length > 0);
    expect(
      escalations
        .filter((e) => e.state === 'open')
        .map((e) => e.subject)
        .sort(),
    ).toEqual(want(open));
    function want(rs: Latest[]) {
      return rs.map((r) => r.subject).sort();
    }
  });

  it('keeps what a department is not entitled to out of its views by id, filter, cursor and stream', async () => {
    // The financial regulator receives claims but no accidents; the transport department no construction claims.
    const cases = [
      {
        d: matrixDepartmentId('financial_regulator', '330000'),
        foreign: records('accident').filter((r) => r.data.enterprise.regionCode.startsWith('33')),
      },
      {
        d: matrixDepartmentId('transport', '330000'),
        foreign: records().filter(
          (r) => r.data.enterprise.sector === 'construction' && r.data.enterprise.regionCode.startsWith('33'),
        ),
      },
    ];
    for (const { d, foreign } of cases) {
      expect(foreign.length).toBeGreaterThan(0);
      const token = tokens.get(d)!;
      const secret = new Set(foreign.map((r) => r.subject));
      for (const r of foreign) {
        const byId = await getJson(`${hub.url()}/v1/dept/${COLLECTION[r.kind]}/${r.subject}`, token);
        expect({ d, subject: r.subject, status: byId.status }).toEqual({ d, subject: r.subject, status: 404 });
        const byUscc = await pageAll(d, COLLECTION[r.kind], `&uscc=${r.data.enterprise.uscc}`);
        expect(byUscc.filter((i) => secret.has(i.subject))).toEqual([]);
      }
      for (const kind of ['accident', 'claim'] as const)
        expect((await pageAll(d, COLLECTION[kind])).filter((i) => secret.has(i.subject))).toEqual([]);
      const feed = await feedAll(d);
      expect(feed.filter((e) => secret.has(e.subject))).toEqual([]);
      // The stream from the start delivers the same entries, none of them foreign.
      const sse = await openSse(`${hub.url()}/v1/dept/feed/stream`, token);
      expect(sse.status).toBe(200);
      const streamed: string[] = [];
      try {
        for (let i = 0; i < feed.length; i++)
          streamed.push((JSON.parse((await sse.next()).data) as { subject: string }).subject);
      } finally {
        sse.close();
      }
      expect(streamed.sort()).toEqual(feed.map((e) => e.subject).sort());
      expect(streamed.filter((s) => secret.has(s))).toEqual([]);
    }
    // The regulator's feed holds claims (with amounts) and no accident at all.
    const regulatorFeed = await feedAll(matrixDepartmentId('financial_regulator', '330000'));
    expect(regulatorFeed.some((e) => e.kind === 'claim')).toBe(true);
    expect(regulatorFeed.some((e) => e.kind === 'accident')).toBe(false);
  });

  it('delivers accidents and claims by webhook, as the department sees them', async () => {
    const feed = await feedAll(HOOK_DEPARTMENT);
    await waitFor(() => delivered.length >= feed.length || undefined, {
      what: `${feed.length} webhook deliveries`,
      timeoutMs: 60000,
      intervalMs: 250,
    });
    for (const kind of ['accident', 'claim'] as const) {
      const mine = records(kind).filter((r) => entitlementOf(r, HOOK_DEPARTMENT));
      expect(mine.length).toBeGreaterThan(0);
      for (const r of mine) {
        const last = delivered.filter((x) => x.kind === kind && x.subject === r.subject).pop();
        expect({ subject: r.subject, data: last?.data }).toEqual({
          subject: r.subject,
          data: viewOf(r, HOOK_DEPARTMENT),
        });
      }
    }
  });
});
