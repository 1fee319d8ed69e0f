import fs from 'node:fs';
import path from 'node:path';
import { RawHeaders, rawTopicName } from '@ajx/contracts';
import { waitFor } from '@ajx/testing';
import { CONTENT_TYPES, getJson, sampleFiles, TestHub, upload } from '../support/hub';
import { readAll } from '../support/kafka-read';

/*
 * Issue 4 on the real stack: every sample file uploaded with its insurer's token yields one raw message per record
 * and a batch report; wrong, expired, revoked, other insurers' and missing tokens are refused and audited; the
 * limits answer 413/415/429; a re-upload is recognised; a malformed file publishes nothing.
 */
describe('gateway ingest', () => {
  const hub = new TestHub('ingest', {
    services: ['gateway'],
    gateway: { AJX_INGEST_MAX_BYTES: 1024 * 1024, AJX_RATE_LIMIT_PER_SECOND: 1000, AJX_RATE_LIMIT_BURST: 1000 },
  });
  const tokens: Record<string, string> = {};
  let operator: string;

  beforeAll(async () => {
    await hub.start();
    for (const insurer of ['PICC', 'PINGAN', 'CPIC', 'DADI']) {
      tokens[insurer] = await hub.principal({ id: insurer, type: 'insurer', name: `${insurer} 保险` });
    }
    operator = await hub.principal({ id: `ops-${hub.ns.id}`.slice(0, 60), type: 'operator', name: 'operator' });
  });
  afterAll(() => hub.stop());

  const accepted = new Map<string, { batchId: string; records: number; file: string }>();

  it.each(['PICC', 'PINGAN', 'CPIC', 'DADI'])(
    'publishes every record of every %s sample as a raw message',
    async (insurer) => {
      for (const file of sampleFiles(insurer)) {
        const res = await upload(hub.url(), tokens[insurer], insurer, fs.readFileSync(file));
        const expected = fs
          .readFileSync(
            path.join(path.dirname(file), '..', 'expected', insurer, `${path.basename(file)}.ndjson`),
            'utf8',
          )
          .split('\n')
          .filter(Boolean);
        if (expected.length === 1 && expected[0].includes('"recordIndex":0')) {
          expect(res.status).toBe(422);
          expect(res.body).toMatchObject({ code: 'MALFORMED_FILE' });
          continue;
        }
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ records: expected.length, status: 'accepted', duplicate: false });
        accepted.set(file, { batchId: res.body.batchId as string, records: expected.length, file });
      }
      const topic = hub.ns.topicPrefix + rawTopicName(insurer);
      const mine = [...accepted.values()].filter((a) => a.file.includes(`/${insurer}/`));
      await waitFor(
        async () => {
          const messages = await readAll(hub.kafka, topic);
          return (
            mine.every(
              (a) => messages.filter((m) => m.headers[RawHeaders.batchId] === a.batchId).length === a.records,
            ) || undefined
          );
        },
        { what: `raw messages of ${insurer}`, timeoutMs: 30000, intervalMs: 500 },
      );
      const messages = await readAll(hub.kafka, topic);
      for (const a of mine) {
        const ofBatch = messages.filter((m) => m.headers[RawHeaders.batchId] === a.batchId);
        expect(ofBatch.map((m) => Number(m.headers[RawHeaders.recordIndex])).sort((x, y) => x - y)).toEqual(
          Array.from({ length: a.records }, (_, i) => i + 1),
        );
        expect(Number.isFinite(Date.parse(ofBatch[0].headers[RawHeaders.acceptedAt]))).toBe(true);
        const report = await getJson(`${hub.url()}/v1/ingest/batches/${a.batchId}`, tokens[insurer]);
        expect(report.status).toBe(200);
        expect(report.body).toMatchObject({
          batchId: a.batchId,
          insurer,
          records: a.records,
          published: a.records,
          status: 'published',
        });
      }
    },
  );

  it('recognises a re-upload of the same file and publishes nothing again', async () => {
    const file = sampleFiles('PINGAN')[1];
    const first = accepted.get(file)!;
    const again = await upload(hub.url(), tokens.PINGAN, 'PINGAN', fs.readFileSync(file));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ batchId: first.batchId, duplicate: true });
  });

  it('rejects a malformed file as a whole with MALFORMED_FILE and publishes nothing', async () => {
    const res = await upload(hub.url(), tokens.CPIC, 'CPIC', '<AJXBatch insurer="CPIC"><Policy>');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'MALFORMED_FILE' });
    const batchId = (res.body.details as { batchId: string }).batchId;
    const report = await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, tokens.CPIC);
    expect(report.body).toMatchObject({ status: 'rejected', records: 0, complete: true });
    expect(report.body.rejects).toEqual([expect.objectContaining({ recordIndex: 0, code: 'MALFORMED_FILE' })]);
    const raw = await readAll(hub.kafka, hub.ns.topicPrefix + rawTopicName('CPIC'));
    expect(raw.filter((m) => m.headers[RawHeaders.batchId] === batchId)).toHaveLength(0);
  });

  it('accepts multipart/form-data uploads', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob(['{"recordType":"HAZARD","dangerNo":"MP-1"}\n'], { type: 'application/x-ndjson' }),
      'x.ndjson',
    );
    const res = await fetch(`${hub.url()}/v1/ingest/PINGAN/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.PINGAN}` },
      body: form,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ records: 1 });
  });

  describe('refusals (each audited)', () => {
    const body = () => fs.readFileSync(sampleFiles('PICC')[0]);
    const deniedAudit = async (action: string) =>
      hub.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_entries WHERE action = $1 AND outcome = 'denied'`,
        [action],
      );

    it('401 without, with a malformed and with an unknown token', async () => {
      const before = (await deniedAudit('auth.refused'))[0].n;
      for (const token of [null, 'garbage', `ajx_i_${'A'.repeat(43)}`]) {
        const res = await upload(hub.url(), token, 'PICC', body());
        expect(res.status).toBe(401);
        expect(JSON.stringify(res.body)).not.toContain('garbage');
      }
      expect((await deniedAudit('auth.refused'))[0].n).toBe(before + 3);
    });

    it('401 with a revoked or an expired credential', async () => {
      const issued = await hub.credentials.issue('PICC', { validDays: 1 }, 'test');
      await hub.credentials.revoke(issued.id, 'test');
      expect((await upload(hub.url(), issued.token, 'PICC', body())).body).toMatchObject({
        statusCode: 401,
        message: 'the credential has been revoked',
      });
      const expiring = await hub.credentials.issue('PICC', { validDays: 1 }, 'test');
      await hub.db.query(`UPDATE credentials SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        expiring.id,
      ]);
      expect((await upload(hub.url(), expiring.token, 'PICC', body())).body).toMatchObject({
        statusCode: 401,
        message: 'the credential has expired',
      });
    });

    it("403 for another insurer's token, and for non-insurers", async () => {
      const before = (await deniedAudit('ingest.upload'))[0].n;
      expect((await upload(hub.url(), tokens.PINGAN, 'PICC', body())).status).toBe(403);
      expect((await deniedAudit('ingest.upload'))[0].n).toBe(before + 1);
      expect((await upload(hub.url(), operator, 'PICC', body())).status).toBe(403);
    });

    it('415 for a content type the insurer does not use', async () => {
      const res = await upload(hub.url(), tokens.PICC, 'PICC', body(), 'application/json');
      expect(res.status).toBe(415);
      expect(res.body.message).toContain('text/csv');
    });

    it('413 for a body over the limit and for a record over the record limit', async () => {
      const big = Buffer.alloc(1024 * 1024 + 10, 0x41);
      expect((await upload(hub.url(), tokens.PINGAN, 'PINGAN', big)).status).toBe(413);
      const hugeRecord = `${JSON.stringify({ recordType: 'HAZARD', dangerNo: 'HUGE-1', desc: 'x'.repeat(300 * 1024) })}\n`;
      const res = await upload(hub.url(), tokens.PINGAN, 'PINGAN', hugeRecord);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    });

    it('404 for another insurer’s batch report', async () => {
      const a = [...accepted.values()].find((x) => x.file.includes('/PICC/'))!;
      expect((await getJson(`${hub.url()}/v1/ingest/batches/${a.batchId}`, tokens.DADI)).status).toBe(404);
      expect((await getJson(`${hub.url()}/v1/ingest/batches/${a.batchId}`, operator)).status).toBe(200);
    });
  });

  it('429 with Retry-After once a principal exceeds its rate (kept in Redis, across instances)', async () => {
    const second = await hub.startExtraGateway({ AJX_RATE_LIMIT_PER_SECOND: 2, AJX_RATE_LIMIT_BURST: 5 });
    const third = await hub.startExtraGateway({ AJX_RATE_LIMIT_PER_SECOND: 2, AJX_RATE_LIMIT_BURST: 5 });
    const a = [...accepted.values()][0];
    const insurer = Object.keys(CONTENT_TYPES).find((i) => a.file.includes(`/${i}/`))!;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        getJson(`${(i % 2 ? second : third).url}/v1/ingest/batches/${a.batchId}`, tokens[insurer]),
      ),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(6);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
