import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '@ajx/testing';
import { TestHub } from '../support/hub';

/*
 * Issue 21 item 5: a cleanup job removes the stored bytes of upload sessions that expired unfinished (and counts them
 * in metrics); a live session's bytes stay, and the expired session still answers a chunk 410 UPLOAD_EXPIRED.
 * Issue 23 item 2: an acceptance that fails after the bytes were handed over leaves the session usable (not stuck in
 * `completing`), saying where to resume, and the upload then completes.
 */
describe('expired upload sessions give their bytes back', () => {
  const hub = new TestHub('uploadpurge', {
    services: ['gateway'],
    gateway: { AJX_UPLOAD_SESSION_CLEANUP_MS: 200 },
  });
  let token: string;
  let ops: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PINGAN', type: 'insurer', name: 'PINGAN' });
    ops = await hub.principal({ id: 'purge-ops', type: 'operator', name: 'purge-ops' });
  });
  afterAll(() => hub.stop());

  const api = async (method: string, p: string, body?: Buffer | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${hub.url()}${p}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body }); // prettier-ignore
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const session = async () => {
    const created = await api(
      'POST',
      '/v1/ingest/PINGAN/uploads',
      JSON.stringify({ size: 10, sha256: 'a'.repeat(64), contentType: 'application/x-ndjson' }),
      { 'content-type': 'application/json' },
    );
    expect(created.status).toBe(201);
    const id = created.body.uploadId as string;
    const put = await api('PUT', `/v1/ingest/uploads/${id}`, Buffer.from('12345'), { 'content-range': 'bytes 0-4/10' });
    expect(put.status).toBeLessThan(300);
    return id;
  };
  const file = (id: string) => path.join(hub.dir, 'uploads', 'sessions', id);
  const metric = async (name: string) => {
    const text = await (await fetch(`${hub.url()}/metrics`, { headers: { authorization: `Bearer ${ops}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it("removes an expired session's part, keeps a live one's, counts them", async () => {
    const expired = await session();
    const live = await session();
    expect(fs.readFileSync(file(expired), 'utf8').slice(0, 5)).toBe('12345');
    const before = { sessions: await metric('ajx_gateway_upload_sessions_purged_total') };
    await hub.db.query(`UPDATE upload_sessions SET expires_at = now() - interval '1 minute' WHERE upload_id = $1`, [
      expired,
    ]);
    // The bytes go first, then the row is marked purged as its transaction commits: wait for both.
    const purged = async () =>
      (
        await hub.db.query<{ purged: boolean }[]>(
          `SELECT purged_at IS NOT NULL AS purged FROM upload_sessions WHERE upload_id = $1`,
          [expired],
        )
      )[0].purged;
    await waitFor(async () => (!fs.existsSync(file(expired)) && (await purged()) ? true : undefined), {
      what: "the expired session's bytes to be removed and the session marked purged",
      timeoutMs: 15000,
    });
    expect(fs.readFileSync(file(live), 'utf8').slice(0, 5)).toBe('12345');
    expect((await api('GET', `/v1/ingest/uploads/${live}`)).body).toMatchObject({ received: 5 });
    const late = await api('PUT', `/v1/ingest/uploads/${expired}`, Buffer.from('67890'), {
      'content-range': 'bytes 5-9/10',
    });
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 410, code: 'UPLOAD_EXPIRED' });
    expect(await metric('ajx_gateway_upload_sessions_purged_total')).toBe(before.sessions + 1);
    expect(await metric('ajx_gateway_upload_session_bytes_purged_total')).toBeGreaterThanOrEqual(5);
  });

  it('leaves a session usable after its acceptance failed on the way, and it completes once resent', async () => {
    const body = Buffer.from('{"recordType":"HAZARD","dangerNo":"PAYHUPLOADFAIL1"}\n');
    const created = await api(
      'POST',
      '/v1/ingest/PINGAN/uploads',
      JSON.stringify({
        size: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: 'application/x-ndjson',
      }),
      { 'content-type': 'application/json' },
    );
    const id = created.body.uploadId as string;
    const send = async () =>
      expect((await api('PUT', `/v1/ingest/uploads/${id}`, body, { 'content-range': `bytes 0-${body.length - 1}/${body.length}` })).status).toBe(200); // prettier-ignore
    await send();
    // The database refuses the batch (a failure after the file left the session's place).
    await hub.db.query(`CREATE FUNCTION test_refuse_batch() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'injected: the batch cannot be recorded'; END $$`);
    await hub.db.query(`CREATE TRIGGER test_refuse_batch BEFORE INSERT ON ingest_batches
      FOR EACH ROW EXECUTE FUNCTION test_refuse_batch()`);
    try {
      expect((await api('POST', `/v1/ingest/uploads/${id}/complete`)).status).toBe(500);
    } finally {
      await hub.db.query(`DROP TRIGGER test_refuse_batch ON ingest_batches; DROP FUNCTION test_refuse_batch()`);
    }
    const after = await api('GET', `/v1/ingest/uploads/${id}`);
    expect(after.body.status).toBe('open');
    // Where to resume: all of it kept, or (bytes gone with the failed acceptance) from byte 0, never in between.
    expect([0, body.length]).toContain(after.body.received);
    if (after.body.received === 0) {
      expect(fs.readFileSync(file(id)).length).toBe(0);
      await send();
    }
    const done = await api('POST', `/v1/ingest/uploads/${id}/complete`);
    expect(done.status).toBe(202);
    expect((await api('GET', `/v1/ingest/uploads/${id}`)).body).toMatchObject({ status: 'completed', batchId: done.body.batchId }); // prettier-ignore
  });
});
