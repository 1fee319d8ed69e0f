import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { simulateFile } from '@ajx/simulation';
import { REDIS } from '@ajx/redis';
import { type StartedService, waitFor } from '@ajx/testing';
import type Redis from 'ioredis';
import { UploadSlots } from '../../../apps/gateway/src/ingest/upload-slots';
import { getJson, TestHub, upload } from '../support/hub';

/*
 * Issue 11, back-pressure: a flood of uploads from one insurer is throttled (429 with Retry-After) without starving
 * the others — a second insurer's uploads in the same period all succeed and their records reach the canonical store,
 * and departments keep reading. The rate limit is per principal (Redis GCRA) and uploads in flight are bounded per
 * insurer (AJX_INGEST_UPLOADS_PER_INSURER), so neither the flood's rate nor its held-open bodies block anyone else.
 * Issue 21: the in-flight bound holds across gateway instances (leases in Redis), and the slots of an instance that
 * died come back when its leases expire.
 */
describe('back-pressure', () => {
  const hub = new TestHub('backpressure', {
    services: ['gateway', 'normalizer'],
    gateway: {
      AJX_RATE_LIMIT_PER_SECOND: 4,
      AJX_RATE_LIMIT_BURST: 8,
      AJX_INGEST_UPLOADS_PER_INSURER: 2,
      AJX_INGEST_UPLOAD_LEASE_MS: 1500,
    },
  });
  const tokens: Record<string, string> = {};
  let second: StartedService;

  beforeAll(async () => {
    await hub.start();
    second = await hub.startExtraGateway();
    for (const i of ['PICC', 'PINGAN']) tokens[i] = await hub.principal({ id: i, type: 'insurer', name: i });
    tokens.dept = await hub.principal({
      id: 'bp-dept',
      type: 'department',
      name: 'bp-dept',
      department: { kind: 'emergency', level: 'county', regionCode: '330102' },
    });
  });
  afterAll(() => hub.stop());

  const file = async (insurer: string, seed: string, records = 3) => simulateFile({ insurer, seed, records }).bytes();

  /** The batch report once complete; polling tolerates the insurer's own rate limit. */
  const settle = (insurer: string, batchId: string) =>
    waitFor(
      async () => {
        const r = await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, tokens[insurer]);
        return r.status === 200 && r.body.complete ? r.body : undefined;
      },
      { what: `batch ${batchId}`, timeoutMs: 60000, intervalMs: 500 },
    );

  it('throttles a flooding insurer with 429 + Retry-After while another insurer and a department are served', async () => {
    const flood = Promise.all(
      Array.from({ length: 60 }, async (_, i) =>
        upload(hub.url(), tokens.PICC, 'PICC', await file('PICC', `flood-${i}`)),
      ),
    );
    const calm: { status: number; batchId: string }[] = [];
    const reads: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await upload(hub.url(), tokens.PINGAN, 'PINGAN', await file('PINGAN', `calm-${i}`, 5));
      calm.push({ status: r.status, batchId: r.body.batchId as string });
      reads.push((await getJson(`${hub.url()}/v1/dept/hazards?limit=10`, tokens.dept)).status);
    }
    const flooded = await flood;

    expect(calm.map((c) => c.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(reads.every((s) => s === 200)).toBe(true);
    const refused = flooded.filter((r) => r.status === 429);
    const accepted = flooded.filter((r) => r.status === 202);
    expect(refused.length).toBeGreaterThan(30);
    expect(accepted.length).toBeGreaterThan(0);
    expect(flooded.every((r) => r.status === 202 || r.status === 429)).toBe(true);
    for (const r of refused) {
      expect(['RATE_LIMITED', 'UPLOADS_IN_FLIGHT']).toContain(r.body.code);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // Every record of the calm insurer reaches the canonical store.
    let normalized = 0;
    for (const c of calm) {
      const report = await settle('PINGAN', c.batchId);
      expect(report).toMatchObject({ records: 5, rejected: 0, duplicates: 0, normalized: 5 });
      normalized += report.normalized as number;
    }
    const [{ n }] = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM canonical_events e JOIN batch_outcomes o USING (event_id)
       WHERE o.batch_id = ANY($1::uuid[]) AND e.insurer = 'PINGAN'`,
      [calm.map((c) => c.batchId)],
    );
    expect(n).toBe(normalized);
  }, 120_000);

  it('bounds uploads in flight per insurer across gateways: a third held-open upload on another gateway is 429 UPLOADS_IN_FLIGHT (audited), others go on', async () => {
    const { hostname, port } = new URL(hub.url());
    const bodies = await Promise.all([file('PICC', 'held-1'), file('PICC', 'held-2')]);
    const held = bodies.map((body) => {
      const req = http.request({
        host: hostname,
        port: Number(port),
        method: 'POST',
        path: '/v1/ingest/PICC/files',
        headers: { authorization: `Bearer ${tokens.PICC}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
      });
      req.write(body); // the whole file, but the body is not ended: the upload stays in flight
      return { req, answer };
    });

    // Both are in flight once the gateway has started writing their bodies to its upload directory.
    const incoming = path.join(hub.dir, 'uploads', 'incoming');
    await waitFor(() => (fs.readdirSync(incoming).length >= 2 ? true : undefined), {
      what: 'two uploads in flight',
      timeoutMs: 20000,
      intervalMs: 50,
    });
    const third = await waitFor(
      async () => {
        // The two held uploads are on the first gateway; the third goes to the second one.
        const r = await upload(second.url, tokens.PICC, 'PICC', await file('PICC', 'third'));
        return r.status === 429 && r.body.code === 'UPLOADS_IN_FLIGHT' ? r : undefined;
      },
      { what: 'the third upload refused for uploads in flight', timeoutMs: 20000, intervalMs: 300 },
    );
    expect(third.body.message).toMatch(/PICC already has 2 uploads in flight \(at most 2\)/);
    expect(third.headers.get('retry-after')).toBe('1');
    const [{ n }] = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE actor = 'PICC' AND action = 'ingest.upload'
       AND outcome = 'denied' AND details->>'reason' = 'uploads in flight'`,
    );
    expect(n).toBeGreaterThanOrEqual(1);

    // Another insurer is not held up by PICC's open uploads (its own rate limit may ask it to wait a moment after the
    // previous test's polling; PICC's uploads in flight never refuse it).
    const beside = await waitFor(
      async () => {
        const r = await upload(hub.url(), tokens.PINGAN, 'PINGAN', await file('PINGAN', 'beside-held'));
        return r.status === 429 && r.body.code === 'RATE_LIMITED' ? undefined : r;
      },
      { what: 'an upload of another insurer beside the held ones', timeoutMs: 20000, intervalMs: 500 },
    );
    expect({ status: beside.status, code: beside.body.code }).toEqual({ status: 202, code: undefined });

    for (const h of held) h.req.end();
    const answers = await Promise.all(held.map((h) => h.answer));
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    // The slots are free again.
    await waitFor(
      async () => {
        const r = await upload(hub.url(), tokens.PICC, 'PICC', await file('PICC', 'after-held'));
        return r.status === 202 ? r : undefined;
      },
      { what: 'an upload after the held ones', timeoutMs: 20000, intervalMs: 300 },
    );
  }, 120_000);

  it('gives back the slots of a gateway that died holding them once their leases expire', async () => {
    // Two leases taken as a gateway instance does, then never renewed nor released: the instance is gone.
    const redis = hub.gateway!.app.get<Redis>(REDIS);
    const key = UploadSlots.key('PINGAN');
    const now = Number((await redis.time())[0]) * 1000;
    await redis.zadd(key, now + 4000, 'dead-1', now + 4000, 'dead-2');
    const refused = await waitFor(
      async () => {
        const r = await upload(second.url, tokens.PINGAN, 'PINGAN', await file('PINGAN', 'while-dead'));
        return r.status === 429 && r.body.code === 'RATE_LIMITED' ? undefined : r;
      },
      { what: 'an answer other than RATE_LIMITED', timeoutMs: 20000, intervalMs: 300 },
    );
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'UPLOADS_IN_FLIGHT' });
    const after = await waitFor(
      async () => {
        const r = await upload(hub.url(), tokens.PINGAN, 'PINGAN', await file('PINGAN', 'after-dead'));
        return r.status === 202 ? r : undefined;
      },
      { what: 'the dead leases to expire', timeoutMs: 20000, intervalMs: 300 },
    );
    expect(after.status).toBe(202);
    expect(await redis.zrange(key, 0, -1)).toEqual([]);
  }, 60_000);
});
