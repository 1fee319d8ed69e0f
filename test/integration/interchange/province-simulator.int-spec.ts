import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BatchAck,
  type BatchEntry,
  buildBatch,
  buildDailyManifest,
  buildPullPage,
  decodeCursor,
  Keyring,
  type ManifestItem,
  type ManifestVerdict,
  kindOfEventType,
  parseReconciliationReport,
  type ReconciliationReport,
  requestTargetPayload,
  signRequest,
  verifySignature,
} from '@ajx/interchange-protocol';
import {
  batchEntriesFixture,
  canonicalEventFixture,
  startService,
  type StartedService,
  testConfig,
  createTestDatabase,
  testNamespace,
  waitFor,
  withRevisedContent,
} from '@ajx/testing';
import type {
  LogRow,
  LogStats,
  ReportRow,
} from '../../../apps/province-simulator/src/database/delivery-log.repository';
import type { FaultState } from '../../../apps/province-simulator/src/interchange/fault-injector';
import type { PullResult } from '../../../apps/province-simulator/src/interchange/pull.service';
import { ProvinceSimulatorConfig } from '../../../apps/province-simulator/src/province-simulator.config';

type LogPage = { items: LogRow[]; next: number | null };
import { provinceSimulatorService } from '../../../apps/province-simulator/src/province-simulator.service-definition';

/*
 * The provincial-system simulator on the real stack (PostgreSQL; no Kafka): the receiving side of the interchange
 * protocol, its delivery log, its faults, manifests with reconciliation reports, and its pull client. Its client side
 * is tested here against a minimal hub made of the protocol library (which can fail on demand); the hub's real
 * interchange service and gateway run against the simulator in interchange-push, interchange-crash and
 * interchange-api.int-spec.ts.
 */

// The integration project's testTimeout was observed not to apply (tests stopped at Jest's default 5 s).
jest.setTimeout(60_000);

const SECRET = 'hub-to-province-shared-secret-0123456789';
const keyring = new Keyring([{ keyId: 'hub-2025', secret: SECRET }]);
const KEY = keyring.get('hub-2025')!;
const SENDER = 'hub-zj';

/** The stand-in hub: takes reconciliation reports and serves pull pages, checking the simulator's signatures. */
class FakeHub {
  reports: ReconciliationReport[] = [];
  failReports = 0;
  entries: BatchEntry[] = [];
  pullRequests = 0;
  refused: string[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const url = new URL(req.url!, this.url);
    const payload = req.method === 'GET' ? requestTargetPayload('GET', req.url!) : body;
    const check = verifySignature({ headers: req.headers, payload, keyring });
    if (!check.ok) {
      this.refused.push(check.code);
      return reply(401, { code: check.code, message: check.message, retryable: false });
    }
    const report = /^\/v1\/interchange\/reconciliation\/(\d{4}-\d{2}-\d{2})$/.exec(url.pathname);
    if (req.method === 'POST' && report) {
      if (this.failReports > 0) {
        this.failReports--;
        res.setHeader('Retry-After', '0');
        return reply(503, { code: 'UNAVAILABLE', message: 'try again', retryable: true });
      }
      this.reports.push(parseReconciliationReport(body, { date: report[1] }));
      return reply(202, { date: report[1], resend: 'scheduled' });
    }
    if (req.method === 'GET' && url.pathname === '/v1/interchange/events') {
      this.pullRequests++;
      const after = decodeCursor(url.searchParams.get('after')!);
      const limit = Number(url.searchParams.get('limit'));
      const rest = this.entries.filter((e) => e.seq > after);
      const page = buildPullPage({
        sender: SENDER,
        province: '33',
        afterSeq: after,
        entries: rest.slice(0, limit),
        hasMore: rest.length > limit,
      });
      return reply(200, page);
    }
    reply(404, { code: 'NOT_FOUND', message: 'no such route', retryable: false });
  }
}

describe('province simulator (PostgreSQL)', () => {
  const ns = testNamespace('provsim');
  const hub = new FakeHub();
  let sim: StartedService;
  let config: ProvinceSimulatorConfig;

  const post = async (
    path: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signRequest(KEY, body), ...headers },
      body,
      signal,
    });
  const sendBatch = async (body: string) => {
    const res = await post('/v1/interchange/batches', body);
    return { status: res.status, body: (await res.json()) as BatchAck & { code?: string; problems?: unknown[] } };
  };
  const control = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${sim.url}/control${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const stats = async () => (await control<LogStats>('GET', '/stats')).body;
  const fullLog = async () => (await control<LogPage>('GET', '/log?limit=10000')).body.items;
  const batchOf = (entries: BatchEntry[], extra: Partial<Parameters<typeof buildBatch>[0]> = {}) =>
    buildBatch({ sender: SENDER, province: '33', mode: 'realtime', entries, ...extra });

  beforeAll(async () => {
    await hub.start();
    config = testConfig(ProvinceSimulatorConfig, ns, await createTestDatabase(), {
      AJX_PROVINCE_CODE: '33',
      AJX_PROVINCE_SIM_SECRETS: `hub-2025:${SECRET}`,
      AJX_PROVINCE_SIM_SCHEMA: `province_sim_${ns.id.toLowerCase().replace(/[^a-z0-9]/g, '_')}`,
      AJX_PROVINCE_SIM_HUB_URL: hub.url,
      AJX_PROVINCE_SIM_MAX_ENTRIES: 200,
      AJX_PROVINCE_SIM_MAX_BODY_BYTES: 1024 * 1024,
    });
    sim = await startService(provinceSimulatorService, config);
  });

  afterAll(async () => {
    await sim?.close();
    await hub.stop();
  });

  beforeEach(async () => {
    expect((await control('DELETE', '/log')).status).toBe(204);
    expect((await control('PUT', '/faults', { mode: 'none' })).status).toBe(200);
  });

  it('verifies, validates and logs a signed batch as received, and acknowledges it', async () => {
    const { batch, body } = batchOf(batchEntriesFixture(1, 30));
    const res = await sendBatch(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      batchId: batch.batchId,
      status: 'accepted',
      accepted: 30,
      duplicateEntries: 0,
      watermark: 30,
    });
    const log = await fullLog();
    expect(log.map((r) => r.seq)).toEqual(batch.entries.map((e) => e.seq));
    expect(log[0]).toMatchObject({
      batchId: batch.batchId,
      eventId: batch.entries[0].event.id,
      subject: batch.entries[0].event.subject,
      insurer: batch.entries[0].event.insurer,
      kind: kindOfEventType(batch.entries[0].event.type),
      version: batch.entries[0].event.sourceversion,
      uscc: batch.entries[0].event.uscc,
      correction: false,
      acceptedDate: '2025-03-01',
      duplicate: false,
    });
    const page = await control<LogPage>('GET', '/log?after=0&limit=10&events=true');
    expect(page.body.items).toHaveLength(10);
    expect(page.body.items[0].event).toEqual(batch.entries[0].event);
    expect(page.body.next).toBe(page.body.items[9].id);
    expect(await stats()).toMatchObject({
      batches: 1,
      entries: 30,
      distinctEvents: 30,
      duplicateEntries: 0,
      orderViolations: 0,
    });
  });

  it('refuses bad signatures, stale timestamps and replays with 401 and a specific code', async () => {
    const { body } = batchOf(batchEntriesFixture(1, 2));
    const codeOf = async (res: Response) => ({
      status: res.status,
      code: ((await res.json()) as { code: string }).code,
    });
    expect(
      await codeOf(await post('/v1/interchange/batches', body.replace('"seq":1', '"seq":3'), signRequest(KEY, body))),
    ).toEqual({
      status: 401,
      code: 'SIGNATURE_MISMATCH',
    });
    const stale = signRequest(KEY, body, Date.now() - 301_000);
    expect(await codeOf(await post('/v1/interchange/batches', body, stale))).toEqual({
      status: 401,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    const otherKey = signRequest({ keyId: 'hub-1999', secret: SECRET }, body);
    expect(await codeOf(await post('/v1/interchange/batches', body, otherKey))).toEqual({
      status: 401,
      code: 'UNKNOWN_KEY',
    });
    const res = await fetch(`${sim.url}/v1/interchange/batches`, { method: 'POST', body });
    expect(await codeOf(res)).toEqual({ status: 401, code: 'SIGNATURE_MISSING' });

    // The same signed manifest request twice: the second is a replay.
    const manifest = JSON.stringify(
      buildDailyManifest({ date: '2025-03-01', sender: SENDER, province: '33', items: [] }),
    );
    const signed = signRequest(KEY, manifest);
    expect((await post('/v1/interchange/manifests', manifest, signed)).status).toBe(200);
    expect(await codeOf(await post('/v1/interchange/manifests', manifest, signed))).toEqual({
      status: 401,
      code: 'REPLAYED',
    });
    expect((await stats()).entries).toBe(0);
  });

  it('acknowledges a re-delivered batch id again without logging it twice, and refuses other content under it', async () => {
    const entries = batchEntriesFixture(1, 5);
    const { batch, body } = batchOf(entries);
    expect((await sendBatch(body)).body.status).toBe('accepted');
    // The exact same signed request, and a re-signed copy: both acknowledged, neither logged.
    const signed = signRequest(KEY, body);
    await post('/v1/interchange/batches', body, signed);
    const again = await post('/v1/interchange/batches', body, signed);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      batchId: batch.batchId,
      status: 'already-accepted',
      accepted: 5,
      watermark: 5,
    });
    expect(await stats()).toMatchObject({ batches: 1, redeliveries: 2, entries: 5 });

    const changed = entries.map((e, i) => (i === 2 ? { ...e, event: withRevisedContent(e.event, '改') } : e));
    const conflicting = batchOf(changed);
    expect(conflicting.batch.batchId).toBe(batch.batchId);
    const res = await sendBatch(conflicting.body);
    expect(res).toMatchObject({ status: 409, body: { code: 'BATCH_CONFLICT', retryable: false } });
    expect((await stats()).entries).toBe(5);
  });

  it('logs the same events again when another batch carries them, so duplicates stay visible', async () => {
    const entries = batchEntriesFixture(1, 6);
    await sendBatch(batchOf(entries).body);
    const resend = batchOf(entries.slice(2), { mode: 'resend', resendOf: { date: '2025-03-01', attempt: 1 } });
    const res = await sendBatch(resend.body);
    expect(res.body).toMatchObject({ status: 'accepted', accepted: 4, duplicateEntries: 4, watermark: 6 });
    // A correction: same event id, other content — not a duplicate.
    const corrected = {
      ...entries[0],
      seq: 7,
      correction: true,
      event: withRevisedContent(entries[0].event, '更正'),
    };
    expect((await sendBatch(batchOf([corrected]).body)).body).toMatchObject({ accepted: 1, duplicateEntries: 0 });
    const log = await fullLog();
    expect(log.filter((r) => r.duplicate).map((r) => r.seq)).toEqual([3, 4, 5, 6]);
    expect(await stats()).toMatchObject({
      batches: 3,
      entries: 11,
      distinctEvents: 6,
      duplicateEntries: 4,
      corrections: 1,
      orderViolations: 0,
      watermark: 7,
    });
  });

  it('counts per-enterprise order violations among first arrivals', async () => {
    const entries = batchEntriesFixture(1, 8, { enterprises: 1 });
    await sendBatch(batchOf(entries.slice(4)).body);
    await sendBatch(batchOf(entries.slice(0, 4)).body);
    const s = await stats();
    expect(s.orderViolations).toBe(4);
    expect(s.orderViolationSamples[0]).toMatchObject({ seq: 1, afterSeq: 8 });
  });

  it('answers validation failures with 400 and the specific problems, and oversized batches with 413', async () => {
    const { batch } = batchOf(batchEntriesFixture(1, 2));
    (batch.entries[1].event as unknown as Record<string, unknown>).sourceversion = 'x';
    const res = await sendBatch(JSON.stringify(batch));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'INVALID_BATCH',
      retryable: false,
      problems: [{ path: '/entries/1/event/sourceversion', message: 'must be integer' }],
    });
    expect((await sendBatch('{"entries": [')).body).toMatchObject({ code: 'MALFORMED_JSON' });
    const other = batchOf(batchEntriesFixture(1, 2, { region: '370883' }));
    expect((await sendBatch(other.body)).body).toMatchObject({ code: 'WRONG_PROVINCE' });
    expect(await sendBatch(batchOf(batchEntriesFixture(1, 201)).body)).toMatchObject({
      status: 413,
      body: { code: 'PAYLOAD_TOO_LARGE' },
    });
    const huge = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) });
    expect(await sendBatch(huge)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect((await stats()).entries).toBe(0);
  });

  describe('faults', () => {
    it('error: answers the status at once and logs nothing', async () => {
      expect((await control('PUT', '/faults', { mode: 'error', statusCode: 503, remaining: 1 })).body).toMatchObject({
        mode: 'error',
        remaining: 1,
        injected: 0,
      });
      const { body } = batchOf(batchEntriesFixture(1, 3));
      const res = await post('/v1/interchange/batches', body);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect((await stats()).entries).toBe(0);
      expect((await control('GET', '/faults')).body).toMatchObject({ mode: 'none', remaining: 0, injected: 1 });
      expect((await sendBatch(body)).body.status).toBe('accepted');
    });

    it('timeout: holds the request, drops the connection and logs nothing', async () => {
      await control('PUT', '/faults', { mode: 'timeout', delayMs: 100, remaining: 1 });
      const { body } = batchOf(batchEntriesFixture(1, 3));
      await expect(post('/v1/interchange/batches', body)).rejects.toThrow();
      // A sender that gives up first also leaves nothing behind.
      await control('PUT', '/faults', { mode: 'timeout', delayMs: 600000, remaining: 1 });
      await expect(post('/v1/interchange/batches', body, {}, AbortSignal.timeout(200))).rejects.toThrow();
      expect((await stats()).entries).toBe(0);
      expect((await sendBatch(body)).body).toMatchObject({ status: 'accepted', accepted: 3 });
    });

    it('slow: delays, then handles the request normally', async () => {
      await control('PUT', '/faults', { mode: 'slow', delayMs: 200, remaining: 1 });
      expect((await sendBatch(batchOf(batchEntriesFixture(1, 3)).body)).body.status).toBe('accepted');
      expect((await control<FaultState>('GET', '/faults')).body.injected).toBe(1);
      expect((await stats()).entries).toBe(3);
    });

    it('lose-ack: stores the batch but drops the answer; the re-send is acknowledged without logging twice', async () => {
      await control('PUT', '/faults', { mode: 'lose-ack', remaining: 1 });
      const { batch, body } = batchOf(batchEntriesFixture(1, 4));
      await expect(post('/v1/interchange/batches', body)).rejects.toThrow();
      expect((await stats()).entries).toBe(4);
      const res = await sendBatch(body);
      expect(res.body).toMatchObject({ batchId: batch.batchId, status: 'already-accepted', accepted: 4 });
      expect(await stats()).toMatchObject({ entries: 4, redeliveries: 1, duplicateEntries: 0 });
    });

    it('probability 0 never injects; bad settings are refused', async () => {
      await control('PUT', '/faults', { mode: 'error', probability: 0 });
      expect((await sendBatch(batchOf(batchEntriesFixture(1, 1)).body)).status).toBe(200);
      const bad = await control('PUT', '/faults', { mode: 'explode', probability: 2, statusCode: 404 });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining([
          'mode must be one of none, error, timeout, slow, lose-ack, forge-ack, unsigned-ack',
          'probability must not be greater than 1',
          'statusCode must be 429 or 500–599',
        ]),
      );
    });
  });

  it('compares manifests with its log and reports a mismatch to the hub, signed, retrying', async () => {
    const entries = batchEntriesFixture(1, 20);
    await sendBatch(batchOf(entries).body);
    // A second copy of some events does not change the tallies.
    await sendBatch(
      batchOf(entries.slice(0, 5), { mode: 'resend', resendOf: { date: '2025-03-01', attempt: 1 } }).body,
    );
    const items: ManifestItem[] = entries.map((e) => ({
      insurer: e.event.insurer,
      kind: kindOfEventType(e.event.type)!,
      eventId: e.event.id,
      acceptedDate: e.acceptedDate,
    }));
    const manifestOf = (list: ManifestItem[]) =>
      JSON.stringify(buildDailyManifest({ date: '2025-03-01', sender: SENDER, province: '33', items: list }));
    const match = await post('/v1/interchange/manifests', manifestOf(items));
    expect(await match.json()).toEqual({ date: '2025-03-01', status: 'match', cells: [] });

    hub.failReports = 1;
    const missing = canonicalEventFixture({ insurer: 'PICC', kind: 'hazard', subject: 'NEVER-SENT', version: 1 });
    const res = await post(
      '/v1/interchange/manifests',
      manifestOf([...items, { insurer: 'PICC', kind: 'hazard', eventId: missing.id, acceptedDate: '2025-03-01' }]),
    );
    const verdict = (await res.json()) as ManifestVerdict;
    expect(verdict).toMatchObject({ date: '2025-03-01', status: 'mismatch' });
    expect(verdict.cells).toHaveLength(1);
    expect(verdict.cells[0]).toMatchObject({ date: '2025-03-01', insurer: 'PICC', kind: 'hazard' });
    expect(verdict.cells[0].expected.count).toBe(verdict.cells[0].actual.count + 1);

    const reports = await waitFor(
      async () => {
        const r = (await control<ReportRow[]>('GET', '/reconciliation')).body;
        return r.length === 1 && r[0].status !== 'pending' ? r : undefined;
      },
      { what: 'the reconciliation report to be sent' },
    );
    expect(reports[0]).toMatchObject({ date: '2025-03-01', status: 'sent', attempts: 2, hubStatus: 202 });
    expect(hub.reports).toHaveLength(1);
    expect(hub.reports[0]).toMatchObject({
      date: '2025-03-01',
      province: '33',
      status: 'mismatch',
      cells: verdict.cells,
    });
    expect(hub.refused).toEqual([]);

    // On demand, waiting for the hub's answer.
    const again = await control('POST', '/reconciliation/2025-03-01/report');
    expect(again.body).toMatchObject({ status: 'sent', attempts: 1 });
    expect(hub.reports).toHaveLength(2);
    expect((await control('POST', '/reconciliation/2025-03-02/report')).status).toBe(404);
  });

  it('pulls every page from the hub once, keeping its cursor', async () => {
    hub.entries = batchEntriesFixture(1, 1200).filter((e) => e.seq % 7 !== 0);
    const first = await control<PullResult>('POST', '/pull');
    expect(first.body).toMatchObject({ pages: 3, entries: hub.entries.length, duplicateEntries: 0 });
    expect(decodeCursor(first.body.cursor)).toBe(1200);
    const second = await control('POST', '/pull');
    expect(second.body).toMatchObject({ pages: 1, entries: 0 });
    hub.entries.push(...batchEntriesFixture(1201, 3));
    expect((await control('POST', '/pull')).body).toMatchObject({ entries: 3 });
    const log = await fullLog();
    expect(log.map((r) => r.seq)).toEqual(hub.entries.map((e) => e.seq));
    expect(await stats()).toMatchObject({ duplicateEntries: 0, orderViolations: 0, watermark: 1203 });
    expect(hub.refused).toEqual([]);
  });

  it('serves its OpenAPI document and is ready with its own schema migrated', async () => {
    const doc = (await (await fetch(`${sim.url}/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/interchange/batches',
        '/v1/interchange/manifests',
        '/control/faults',
        '/control/log',
        '/control/stats',
      ]),
    );
    const ready = await fetch(`${sim.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(Object.keys(((await ready.json()) as { info: object }).info)).toEqual(['postgres']);
  });

  it('keeps its log across a restart (migrations applied once, in its own schema)', async () => {
    await sendBatch(batchOf(batchEntriesFixture(1, 3)).body);
    await sim.close();
    sim = await startService(provinceSimulatorService, config);
    expect((await stats()).entries).toBe(3);
  });
});
