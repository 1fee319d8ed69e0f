import fs from 'node:fs';
import path from 'node:path';
import { contentHash } from '@ajx/normalization';
import { simulateFile } from '@ajx/simulation';
import { type ChildService, freePort, spawnService, waitFor } from '@ajx/testing';
import { TestHub } from '../support/hub';
import { runCliAsync } from '../support/kafka-users';

/*
 * Issue 6: resumable upload sessions and `ajx publish`: a file goes up in several chunks, the upload is interrupted
 * and resumed, and the summary has the right counts; a large backfill keeps the CLI's and the gateway's peak memory
 * bounded (100,000 records by default, 1,000,000 with AJX_LONG_TESTS=1, `npm run test:backfill`).
 */

const MiB = 1024 * 1024;

/** Peak resident set size of a process so far (VmHWM), bytes. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function writeSimulated(file: string, insurer: string, seed: string, records: number, defectRate = 0) {
  const sim = simulateFile({ insurer, seed, records, defectRate });
  const out = fs.createWriteStream(file);
  for await (const chunk of sim.chunks())
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  let ok = 0;
  let rejected = 0;
  /** Each accepted record's event id and content hash, in file order (what the normaliser classifies). */
  const accepted: [string, string][] = [];
  for (const o of sim.outcomes()) {
    if (!o.ok) {
      rejected++;
      continue;
    }
    ok++;
    accepted.push([o.event.id, contentHash(o.event).toString('hex')]);
  }
  return { ok, rejected, accepted };
}

/**
 * What the hub must make of a generated file's accepted records, given the events already stored (id → content
 * hash): the first record of an event id the store does not hold is accepted; a record whose id is known with the
 * same content is a duplicate, with other content a VERSION_CONFLICT reject (the generator's ids may repeat).
 */
function expectedOutcomes(accepted: readonly [string, string][], stored: ReadonlyMap<string, string>) {
  const known = new Map(stored);
  let normalized = 0;
  let duplicates = 0;
  let conflicts = 0;
  for (const [id, hash] of accepted) {
    const k = known.get(id);
    if (k === undefined) {
      normalized++;
      known.set(id, hash);
    } else if (k === hash) duplicates++;
    else conflicts++;
  }
  return { normalized, duplicates, conflicts };
}

describe('resumable uploads and ajx publish', () => {
  const hub = new TestHub('publish', { services: ['normalizer'] });
  let gateway: ChildService;
  let url: string;
  let token: string;
  let piccToken: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PINGAN', type: 'insurer', name: 'PINGAN' });
    piccToken = await hub.principal({ id: 'PICC', type: 'insurer', name: 'PICC' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = spawnService(
      'gateway',
      hub.gatewayConfig({ AJX_GATEWAY_PORT: port, AJX_UPLOAD_CHUNK_MAX_BYTES: 64 * MiB }),
    );
    await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200, {
      what: `gateway ready; output: ${gateway.output().slice(-500)}`,
      timeoutMs: 60000,
      intervalMs: 250,
    });
  });
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await hub.stop();
  });

  const api = async (
    method: string,
    p: string,
    tok: string,
    body?: Buffer | string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${tok}`, ...headers }, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  };

  it('answers every misuse of a session specifically', async () => {
    const created = await api(
      'POST',
      '/v1/ingest/PINGAN/uploads',
      token,
      JSON.stringify({ size: 10, sha256: 'a'.repeat(64), contentType: 'application/x-ndjson' }),
      { 'content-type': 'application/json' },
    );
    expect(created.status).toBe(201);
    const id = created.body.uploadId as string;
    // Another insurer's session is answered exactly like an id that does not exist (no existence oracle).
    const foreign = await api('GET', `/v1/ingest/uploads/${id}`, piccToken);
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await api('GET', `/v1/ingest/uploads/${unknownId}`, piccToken);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ ...unknown.body, message: (unknown.body.message as string).replace(unknownId, id) });
    const wrong = await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('12345'), {
      'content-range': 'bytes 5-9/10',
    });
    expect(wrong).toEqual({
      status: 409,
      body: expect.objectContaining({ code: 'OFFSET_MISMATCH', details: { expectedOffset: 0 } }),
    });
    expect(
      (await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('12345'), { 'content-range': 'bytes 0-4/11' }))
        .body.code,
    ).toBe('SIZE_MISMATCH');
    expect((await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('12345'))).body.code).toBe(
      'INVALID_CONTENT_RANGE',
    );
    expect(
      (await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('123'), { 'content-range': 'bytes 0-4/10' }))
        .body.code,
    ).toBe('CHUNK_LENGTH_MISMATCH');
    const ok = await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('12345'), {
      'content-range': 'bytes 0-4/10',
    });
    expect(ok.body).toMatchObject({ received: 5 });
    expect((await api('POST', `/v1/ingest/uploads/${id}/complete`, token)).body).toMatchObject({
      code: 'INCOMPLETE_UPLOAD',
      details: { expectedOffset: 5 },
    });
    await api('PUT', `/v1/ingest/uploads/${id}`, token, Buffer.from('67890'), { 'content-range': 'bytes 5-9/10' });
    expect((await api('POST', `/v1/ingest/uploads/${id}/complete`, token)).body).toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      details: { expectedOffset: 0 },
    });
    const audit = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'ingest.upload-session.read' AND outcome = 'denied' AND target = $1`,
      [id],
    );
    expect(audit[0].n).toBe(1);
  });

  it('uploads in several chunks, is interrupted, resumes and reports the right counts', async () => {
    const file = path.join(hub.dir, 'pingan-3000.ndjson');
    const expected = await writeSimulated(file, 'PINGAN', 'publish-resume', 3000, 0.05);
    const size = fs.statSync(file).size;
    const args = ['publish', '--insurer', 'PINGAN', '--input', file, '--url', url, '--chunk-mb', '0.25'];
    const first = await runCliAsync([...args, '--max-chunks', '2'], { AJX_TOKEN: token });
    expect(first.status).toBe(75);
    const memo = JSON.parse(fs.readFileSync(`${file}.ajx-upload`, 'utf8')) as { uploadId: string };
    const status = await api('GET', `/v1/ingest/uploads/${memo.uploadId}`, token);
    expect(status.body).toMatchObject({ received: 2 * 0.25 * MiB, size, status: 'open' });

    const second = await runCliAsync(args, { AJX_TOKEN: token });
    expect(second.stderr).toContain(`resuming upload ${memo.uploadId} at byte ${2 * 0.25 * MiB}`);
    expect(second.status).toBe(0);
    const summary = JSON.parse(second.stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({
      insurer: 'PINGAN',
      records: 3000,
      accepted: expected.ok,
      rejects: expected.rejected,
      duplicate: false,
      complete: true,
    });
    expect(fs.existsSync(`${file}.ajx-upload`)).toBe(false);

    // The same file again: recognised, nothing published again.
    const again = await runCliAsync(args, { AJX_TOKEN: token });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ batchId: summary.batchId, duplicate: true });
  });

  const LONG = process.env.AJX_LONG_TESTS === '1';
  const RECORDS = LONG ? 1_000_000 : 100_000;

  it(
    `publishes a ${RECORDS.toLocaleString('en')}-record backfill with bounded memory and correct counts`,
    async () => {
      const file = path.join(hub.dir, `pingan-${RECORDS}.ndjson`);
      const generated = await writeSimulated(file, 'PINGAN', `backfill-${RECORDS}`, RECORDS);
      expect(generated.ok + generated.rejected).toBe(RECORDS);
      // The events of this file the store already holds (earlier tests' records may share generated ids).
      const stored = new Map<string, string>();
      const ids = [...new Set(generated.accepted.map(([id]) => id))];
      for (let i = 0; i < ids.length; i += 10_000) {
        const rows = await hub.db.query<{ id: string; h: Buffer }[]>(
          `SELECT event_id AS id, content_hash AS h FROM canonical_events WHERE event_id = ANY($1::uuid[])`,
          [ids.slice(i, i + 10_000)],
        );
        for (const r of rows) stored.set(r.id, r.h.toString('hex'));
      }
      const want = expectedOutcomes(generated.accepted, stored);
      const size = fs.statSync(file).size;
      const gatewayBefore = peakRss(gateway.pid);
      let cliPeak = 0;
      let sampler: NodeJS.Timeout | undefined;
      const started = Date.now();
      const res = await runCliAsync(
        ['publish', '--insurer', 'PINGAN', '--input', file, '--url', url],
        { AJX_TOKEN: token },
        (pid) => {
          sampler = setInterval(() => (cliPeak = Math.max(cliPeak, peakRss(pid))), 100);
        },
      );
      clearInterval(sampler);
      // Printed for docs/benchmarks.md (upload + every record normalised and stored), never asserted.
      const seconds = (Date.now() - started) / 1000;
      const { status: code, stdout, stderr } = res;
      const gatewayPeak = peakRss(gateway.pid);
      process.stderr.write(
        `backfill ${RECORDS} records (${(size / MiB).toFixed(0)} MiB) in ${seconds.toFixed(0)} s ` +
          `(${Math.round(RECORDS / seconds)} records/s, upload until the batch is complete): CLI peak RSS ${(cliPeak / MiB).toFixed(0)} MiB, ` +
          `gateway peak RSS ${(gatewayBefore / MiB).toFixed(0)} → ${(gatewayPeak / MiB).toFixed(0)} MiB\n`,
      );
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const summary = JSON.parse(stdout.trim()) as {
        batchId: string;
        records: number;
        accepted: number;
        rejects: number;
        duplicates: number;
        complete: boolean;
      };
      // The counts the generator says the standard requires (issue 21: not just a sum that fits).
      expect({
        records: summary.records,
        complete: summary.complete,
        accepted: summary.accepted,
        duplicates: summary.duplicates,
        rejects: summary.rejects,
      }).toEqual({
        records: RECORDS,
        complete: true,
        accepted: want.normalized,
        duplicates: want.duplicates,
        rejects: generated.rejected + want.conflicts,
      });
      // A clean generated file: the only rejects are records whose generated id repeats with other content.
      const codes = await hub.db.query<{ code: string; n: number }[]>(
        `SELECT code, count(*)::int AS n FROM batch_outcomes WHERE batch_id = $1 AND outcome = 'rejected' GROUP BY code`,
        [summary.batchId],
      );
      expect(codes.filter((c) => c.code !== 'VERSION_CONFLICT')).toEqual([]);
      expect(codes.reduce((n, c) => n + c.n, 0)).toBe(want.conflicts);
      // Bounded: far below the file size, whatever it is.
      expect(cliPeak).toBeGreaterThan(0);
      expect(cliPeak).toBeLessThan(200 * MiB);
      // The gateway streams: its peak does not grow with the file (322 MiB here on a quiet machine, 403–406 MiB with
      // other test runs on the same two cores, where the collector runs later); the 1,000,000-record file is 537 MiB.
      expect(gatewayPeak).toBeLessThan(450 * MiB);
      // Generating 1,000,000 records alone takes minutes on two cores.
    },
    // Behaviour, not speed, is checked here (the speed is measured by the benchmarks): a busy machine only slows it.
    LONG ? 30 * 60_000 : 10 * 60_000,
  );
});
