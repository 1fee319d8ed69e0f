import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInRulePackBySpec, type Department } from '@ajx/authz';
import { adapterBatchId } from '@ajx/contracts';
import { dropDatabase } from '@ajx/persistence';
import { startService, type StartedService, testNamespace, testRuntime, waitFor } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import { AdapterConfig } from '../../../apps/adapter/src/adapter.config';
import { adapterService } from '../../../apps/adapter/src/adapter.service-definition';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { generateLoad, type LoadFile, uploadWithRetries } from '../../chaos/support/load';
import { compare, type Check, ok, Oracle } from '../../chaos/support/oracle';
import { getJson, TestHub } from '../support/hub';
import { provinceEventIds, SimulatorHandle } from '../support/interchange';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: object): Promise<{ brokers: string[] }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
};

/**
 * `ajx backup` under load and `ajx restore` into a fresh database and a fresh broker (docs/operations.md, "Backup and
 * restore"). A hub takes generated files of every insurer — three insurers through the gateway, one through its
 * adapter (drop folder → Kafka transactions with checkpoints) — while the backup runs, and pushes its province's
 * events to a provincial system (the simulator) in real time. The restored hub — consumer offsets translated, uploads
 * still to publish put back, adapter checkpoints and the interchange watermark restored — then gets what its insurers
 * re-send (the uploads the backup did not see; the adapter's whole processed folder dropped again) and converges to
 * exactly what the chaos oracle expects: every version once in the canonical store, the latest per record, each
 * entitled department's view and feed (no entry duplicated or lost), every reject in the DLQ; the adapter publishes
 * again only what its restored checkpoints do not cover; the interchange resumes after its restored watermark and the
 * province ends with every event of its region.
 */
const ROOT = path.resolve(__dirname, '../../..');
const RULE_PACK = 'jining@1';
const ADAPTER_INSURER = 'CPIC';
const PROVINCE_SECRET = 'zj-backup-shared-secret-0123456789abcdef';
const seed = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/demo/seed.json'), 'utf8')) as {
  insurers: { id: string; name: string }[];
  departments: Department[];
};

/** The built `ajx` as a child process (async: the services under test run in this process). */
function ajx(args: string[], env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1', AJX_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** The Zhejiang endpoint's watermark in a hub's database (0 before its first acknowledgement). */
const watermarkOf = async (db: DataSource) =>
  Number(
    (await db.query<{ w: string }[]>(`SELECT watermark AS w FROM interchange_endpoints WHERE endpoint_id = 'zj-rt'`))[0]
      ?.w ?? 0,
  );

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The same deployment's interchange (one real-time endpoint for Zhejiang) and CPIC adapter, on either hub. */
function interchangeConfig(hub: TestHub, provinceUrl: string): InterchangeConfig {
  return hub.config(InterchangeConfig, {
    AJX_INTERCHANGE_PORT: 0,
    AJX_INTERCHANGE_SENDER: 'hub-backup',
    AJX_INTERCHANGE_POLL_MS: 100,
    AJX_INTERCHANGE_RETRY_BASE_MS: 20,
    AJX_INTERCHANGE_RETRY_MAX_MS: 300,
    AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
      { id: 'zj-rt', url: provinceUrl, province: '33', principal: 'prov-zj', mode: 'realtime', keyId: 'zj-bk-2025', secret: PROVINCE_SECRET, batchSize: 50, timeoutMs: 10_000 }, // prettier-ignore
    ]),
  });
}

function supervisorConfig(hub: TestHub): SupervisorConfig {
  return hub.config(SupervisorConfig, {
    AJX_RULE_PACK: RULE_PACK,
    AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
    // The report schedulers' times never come during the test.
    AJX_REPORT_WEEKLY_CRON: '0 8 1 1 *',
    AJX_REPORT_MONTHLY_CRON: '0 8 1 1 *',
  });
}

function adapterConfig(hub: TestHub, dropDir: string): AdapterConfig {
  return hub.config(AdapterConfig, {
    AJX_ADAPTER_INSURER: ADAPTER_INSURER,
    AJX_ADAPTER_DROP_DIR: dropDir,
    AJX_ADAPTER_PORT: 0,
    AJX_ADAPTER_SETTLE_MS: 200,
    AJX_ADAPTER_POLL_MS: 100,
    // Small transactions, so a file can be part-published when the topics are exported.
    AJX_ADAPTER_CHUNK_RECORDS: 40,
  });
}

/** Drops a file the way a well-behaved sender does (written under a temporary name, then renamed). */
function drop(dropDir: string, file: string): void {
  fs.mkdirSync(path.join(dropDir, 'incoming'), { recursive: true });
  const tmp = path.join(dropDir, 'incoming', `${path.basename(file)}.part`);
  fs.copyFileSync(file, tmp);
  fs.renameSync(tmp, path.join(dropDir, 'incoming', path.basename(file)));
}

interface Receipt {
  batchId: string;
  alreadyPublished: boolean;
}
const receiptOf = (dropDir: string, file: string) =>
  JSON.parse(fs.readFileSync(path.join(dropDir, 'processed', `${path.basename(file)}.receipt.json`), 'utf8')) as Receipt; // prettier-ignore
const processed = (dropDir: string, file: string) =>
  fs.existsSync(path.join(dropDir, 'processed', `${path.basename(file)}.receipt.json`));

describe('backup under load and restore into a fresh database and broker', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-backup-test-'));
  const dropDir = path.join(dir, 'drop-cpic');
  const ns = testNamespace('backup');
  const restoredUrl = (() => {
    const u = new URL(testRuntime().databaseUrl);
    u.pathname = `/${u.pathname.slice(1)}_rst_${randomBytes(3).toString('hex')}`;
    return u.toString();
  })();
  const hubOptions = {
    services: ['gateway', 'normalizer', 'router'] as ('gateway' | 'normalizer' | 'router')[],
    namespace: ns,
    gateway: { AJX_RULE_PACK: RULE_PACK },
    router: { AJX_RULE_PACK: RULE_PACK },
  };
  const province = new SimulatorHandle(ns, 'backup');
  let files: LoadFile[];
  let restoredHub: TestHub | undefined;
  const extras: StartedService[] = [];
  const uploadPaths: string[] = [];

  afterAll(async () => {
    for (const s of extras.reverse()) await s.close().catch(() => undefined);
    await restoredHub?.stop();
    await province.stop();
    await localKafka.stopBroker(path.join(dir, 'kafka2'), 10_000).catch(() => undefined);
    await dropDatabase(restoredUrl).catch(() => undefined);
    for (const p of uploadPaths) fs.rmSync(p, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function registerAll(hub: TestHub): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    for (const i of seed.insurers) tokens.set(i.id, await hub.principal({ id: i.id, type: 'insurer', name: i.name }));
    for (const d of seed.departments)
      await hub.principals.register({ id: d.id, type: 'department', name: d.name, department: { ...d } }, 'test');
    await hub.principals.register({ id: 'prov-zj', type: 'province', name: '浙江省安责险信息系统', regionCode: '330000' }, 'test'); // prettier-ignore
    // The router projects the new departments' (empty) histories before the load (docs/reliability.md, known limits).
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM projection_jobs WHERE status = 'done'`))[0]
          .n === seed.departments.length,
      { timeoutMs: 120_000, intervalMs: 300, what: 'projection of the departments' },
    );
    return tokens;
  }

  /** The supervisor, interchange and adapter of a hub, closed with it (or in afterAll). */
  async function startExtras(hub: TestHub): Promise<void> {
    extras.push(await startService(supervisorService, supervisorConfig(hub)));
    extras.push(await startService(interchangeService, interchangeConfig(hub, province.url)));
    extras.push(await startService(adapterService, adapterConfig(hub, dropDir)));
  }
  async function closeExtras(): Promise<void> {
    for (const s of extras.splice(0).reverse()) await s.close();
  }

  it('restores a hub that agrees with the oracle once its insurers re-send what the backup did not see', async () => {
    files = await generateLoad({
      dir: path.join(dir, 'load'),
      seed: 'backup-restore-1',
      records: 2400,
      perFile: 200,
      regionPrefixes: ['3708', '3301', '4401'],
    });
    const oracle = new Oracle(files, builtInRulePackBySpec(RULE_PACK), seed.departments);
    const viaAdapter = files.filter((f) => f.insurer === ADAPTER_INSURER);
    const viaGateway = files.filter((f) => f.insurer !== ADAPTER_INSURER);
    expect(viaAdapter.length).toBe(3);
    const zhejiang = files.flatMap((f) => f.accepted).filter((e) => e.region.startsWith('33'));
    expect(zhejiang.length).toBeGreaterThan(200);

    // 1. The original hub under load; the backup starts once some files are in.
    const original = new TestHub('backupa', hubOptions);
    let backup: { status: number; stdout: string; stderr: string };
    try {
      await original.start();
      const tokens = await registerAll(original);
      // The provincial system, on a database that outlives both hubs.
      await province.start({ databaseUrl: original.databaseUrl, province: '33', secrets: `zj-bk-2025:${PROVINCE_SECRET}` }); // prettier-ignore
      await startExtras(original);
      const env = { AJX_DATABASE_URL: original.databaseUrl, AJX_KAFKA_BROKERS: testRuntime().brokers.join(','), AJX_TOPIC_PREFIX: ns.topicPrefix }; // prettier-ignore
      let uploaded = 0;
      const queue = [...viaGateway];
      const uploading = Promise.all(
        [0, 1].map(async () => {
          for (let f = queue.shift(); f; f = queue.shift()) {
            await uploadWithRetries(original.url(), tokens.get(f.insurer)!, f, Date.now() + 120_000);
            uploaded++;
          }
        }),
      );
      // The adapter's first file is wholly published before the backup, its second while it runs, its third after.
      drop(dropDir, viaAdapter[0].file);
      await waitFor(() => uploaded >= 3 && processed(dropDir, viaAdapter[0].file), { timeoutMs: 120_000, what: 'three uploads and the first adapter file' }); // prettier-ignore
      // …and the province has acknowledged some of Zhejiang: the snapshot holds a watermark above zero.
      await waitFor(async () => (await watermarkOf(original.db)) > 0, { timeoutMs: 60_000, intervalMs: 100, what: 'a first acknowledgement' }); // prettier-ignore
      const backingUp = ajx(['backup', '--out', path.join(dir, 'backup')], env);
      drop(dropDir, viaAdapter[1].file);
      backup = await backingUp;
      drop(dropDir, viaAdapter[2].file);
      await uploading;
      await waitFor(() => viaAdapter.every((f) => processed(dropDir, f.file)), { timeoutMs: 120_000, what: 'the adapter files published' }); // prettier-ignore
      // The original hub delivers all of Zhejiang before it is lost: the restored one sends again what came after
      // its snapshot's watermark.
      await waitFor(async () => (await province.stats()).distinctEvents === zhejiang.length, { timeoutMs: 180_000, intervalMs: 500, what: 'Zhejiang delivered by the original hub' }); // prettier-ignore
      for (const p of await original.db.query<{ upload_path: string }[]>(
        `SELECT upload_path FROM ingest_batches WHERE upload_path IS NOT NULL`,
      ))
        // prettier-ignore
        uploadPaths.push(p.upload_path);
    } finally {
      await closeExtras();
      await original.stop();
    }
    expect([backup.status, backup.stderr]).toEqual([0, expect.stringContaining('topics exported')]);
    const summary = JSON.parse(backup.stdout) as { groups: string[]; topics: { topic: string; messages: number }[] };
    expect(summary.groups.sort()).toEqual(
      ['normalizer', 'router', 'supervisor'].map((g) => `${ns.topicPrefix}ajx.${g}`),
    );
    expect(summary.topics.map((t) => t.topic)).toContain(`${ns.topicPrefix}ajx.adapter-state.v1.${ADAPTER_INSURER}`);
    const deliveredBefore = await province.log();

    // 2. A fresh broker and a fresh database.
    const broker = await localKafka.startBroker({ dataDir: path.join(dir, 'kafka2'), heapMb: 384 });
    const restored = await ajx(['restore', '--from', path.join(dir, 'backup')], {
      AJX_DATABASE_URL: restoredUrl,
      AJX_KAFKA_BROKERS: broker.brokers.join(','),
      AJX_TOPIC_PREFIX: ns.topicPrefix,
    });
    expect([restored.status, restored.stderr]).toEqual([0, expect.stringContaining('database restored')]);
    // A second restore onto the same database is refused (nothing is overwritten).
    const again = await ajx(['restore', '--from', path.join(dir, 'backup')], { AJX_DATABASE_URL: restoredUrl, AJX_KAFKA_BROKERS: broker.brokers.join(','), AJX_TOPIC_PREFIX: ns.topicPrefix }); // prettier-ignore
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining('not empty')]);

    // 3. The restored hub with the same interchange and adapter; the insurers re-send the files it does not know
    // (accepted after the backup's snapshot), the adapter's operator drops its whole processed folder again.
    restoredHub = new TestHub('backupb', { ...hubOptions, brokers: broker.brokers, databaseUrl: restoredUrl });
    await restoredHub.start();
    const db: DataSource = restoredHub.db;
    const restoredWatermark = await watermarkOf(db);
    expect(restoredWatermark).toBeGreaterThan(0);
    for (const f of viaAdapter) {
      fs.rmSync(path.join(dropDir, 'processed', `${path.basename(f.file)}.receipt.json`));
      fs.renameSync(path.join(dropDir, 'processed', path.basename(f.file)), path.join(dropDir, 'incoming', path.basename(f.file))); // prettier-ignore
    }
    await startExtras(restoredHub);
    const counters = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dept_counters WHERE last_seq < 1000000000`); // prettier-ignore
    expect(counters[0].n).toBe(0);
    const known = new Map(
      (await db.query<{ batch_id: string; sha: string; insurer: string }[]>(`SELECT batch_id, encode(content_sha256, 'hex') AS sha, insurer FROM ingest_batches WHERE source = 'gateway'`)).map((r) => [`${r.insurer}|${r.sha}`, r.batch_id]), // prettier-ignore
    );
    const tokens = new Map<string, string>();
    for (const i of seed.insurers) tokens.set(i.id, (await restoredHub.credentials.issue(i.id, { validDays: 1 }, 'test')).token); // prettier-ignore
    const batchIds = new Map<string, string>();
    const resent: string[] = [];
    for (const f of viaAdapter) batchIds.set(f.file, adapterBatchId(ADAPTER_INSURER, sha256(f.file)));
    for (const f of viaGateway) {
      const batch = known.get(`${f.insurer}|${sha256(f.file)}`);
      if (batch) batchIds.set(f.file, batch);
      else {
        resent.push(f.file);
        batchIds.set(f.file, (await uploadWithRetries(restoredHub.url(), tokens.get(f.insurer)!, f, Date.now() + 120_000)).batchId); // prettier-ignore
      }
    }
    expect(batchIds.size).toBe(files.length);
    await waitFor(() => viaAdapter.every((f) => processed(dropDir, f.file)), { timeoutMs: 120_000, what: 'the adapter files handled again' }); // prettier-ignore
    // The checkpoints came back with the backup: the file published before it is not published again; the one
    // published after it is (its checkpoint was not exported), under the same batch id.
    expect(viaAdapter.map((f) => receiptOf(dropDir, f.file))).toEqual([
      { ...receiptOf(dropDir, viaAdapter[0].file), batchId: batchIds.get(viaAdapter[0].file), alreadyPublished: true },
      expect.objectContaining({ batchId: batchIds.get(viaAdapter[1].file) }),
      expect.objectContaining({ batchId: batchIds.get(viaAdapter[2].file), alreadyPublished: false }),
    ]);
    // Every batch complete, every record routed.
    for (const f of files)
      await waitFor(async () => (await getJson(`${restoredHub!.url()}/v1/ingest/batches/${batchIds.get(f.file)}`, tokens.get(f.insurer)!)).body?.complete, { timeoutMs: 180_000, intervalMs: 500, what: `batch of ${path.basename(f.file)}` }); // prettier-ignore
    const rows = async <T>(sql: string) => db.query<T[]>(sql);
    await waitFor(
      async () => {
        const [{ n }] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM canonical_records r
          LEFT JOIN route_records x ON x.insurer = r.insurer AND x.kind = r.kind AND x.subject = r.subject
          WHERE x.version IS DISTINCT FROM r.version`);
        return n === 0;
      },
      { timeoutMs: 180_000, intervalMs: 500, what: 'every record routed' },
    );
    // The supervisor's consumer offsets and its tables came back together: it holds every version once.
    const versions = files.flatMap((f) => f.accepted).map((e) => `${e.insurer}|${e.kind}|${e.subject}|${e.version}`);
    const supervised = async () => (await rows<{ k: string }>(`SELECT insurer || '|' || kind || '|' || subject || '|' || version AS k FROM supervision_versions`)).map((r) => r.k); // prettier-ignore
    await waitFor(async () => (await supervised()).length >= versions.length, { timeoutMs: 120_000, intervalMs: 500, what: 'every version held by the supervisor' }); // prettier-ignore

    // 4. The oracle's checks.
    const knownBatches = new Set(batchIds.values());
    const dlq = await rows<{ k: string; batch: string }>(
      `SELECT batch_id || '|' || record_index || '|' || code AS k, batch_id AS batch FROM dlq_entries WHERE status = 'open'`,
    );
    const checks: Check[] = [
      compare('canonical events', oracle.eventIds(), (await rows<{ id: string }>(`SELECT event_id AS id FROM canonical_events`)).map((r) => r.id)), // prettier-ignore
      compare('canonical records', oracle.latestRecords(), (await rows<{ k: string }>(`SELECT kind || '|' || insurer || '|' || subject || '|' || version || '|' || event_id AS k FROM canonical_records`)).map((r) => r.k)), // prettier-ignore
      compare('department views', oracle.viewRows(), (await rows<{ k: string }>(`SELECT department_id || '|' || kind || '|' || insurer || '|' || subject || '|' || event_id AS k FROM dept_views WHERE kind <> 'finding'`)).map((r) => r.k)), // prettier-ignore
      compare('department feeds', oracle.feedEntries(), (await rows<{ k: string }>(`SELECT department_id || '|' || event_id AS k FROM dept_feed WHERE entry <> 'escalated' AND kind <> 'finding'`)).map((r) => r.k)), // prettier-ignore
      compare('supervision versions', versions, await supervised()),
      compare(
        'DLQ',
        oracle.rejects(batchIds),
        dlq.filter((r) => knownBatches.has(r.batch)).map((r) => r.k),
      ),
    ];
    expect(checks.filter((c) => !ok(c))).toEqual([]);
    // DLQ entries under a batch id the restored hub does not know are the raw topic's copy of an upload accepted after
    // the snapshot, which its insurer re-sent: the same records and codes as under the re-sent batch.
    const orphans = dlq.filter((r) => !knownBatches.has(r.batch)).map((r) => r.k.slice(r.k.indexOf('|') + 1));
    const resentRejects = new Set(files.filter((f) => resent.includes(f.file)).flatMap((f) => f.rejects.map((x) => `${x.recordIndex}|${x.code}`))); // prettier-ignore
    expect(orphans.filter((k) => !resentRejects.has(k))).toEqual([]);
    // Feeds go on above every sequence issued before the restore.
    const below = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM dept_feed WHERE seq > (SELECT max(seq) FROM dept_feed WHERE seq < 1000000000) AND seq < 1000000000`); // prettier-ignore
    expect(below[0].n).toBe(0);

    // 5. The interchange resumed after its restored watermark: it sends again exactly the province's events the
    // snapshot holds above it and those the restored hub stored since, nothing at or below it; the province holds
    // every event of its region, none of another, and none out of order.
    const { ids, maxSeq } = await provinceEventIds(db, '33');
    expect(new Set(ids)).toEqual(new Set(zhejiang.map((e) => e.eventId)));
    await waitFor(async () => (await watermarkOf(db)) === maxSeq, { timeoutMs: 120_000, intervalMs: 300, what: 'the restored interchange at the head of Zhejiang' }); // prettier-ignore
    const lastBefore = Math.max(0, ...deliveredBefore.map((r) => r.id));
    const after = (await province.log()).filter((r) => r.id > lastBefore);
    const aboveWatermark = (await rows<{ id: string }>(`SELECT event_id AS id FROM canonical_events WHERE substr(region, 1, 2) = '33' AND seq > ${restoredWatermark}`)).map((r) => r.id); // prettier-ignore
    expect(aboveWatermark.length).toBeGreaterThan(0);
    expect(after.filter((r) => r.seq <= restoredWatermark)).toEqual([]);
    // Batches over the same sequence numbers as the original hub's have the same ids: the province acknowledges them
    // `already-accepted` without logging them again. The restored hub's own record of its acknowledged batches says
    // what it sent: every event above the watermark, in batches that all start above it.
    const [sent] = await rows<{ entries: number; last: string }>(`SELECT coalesce(sum(entries), 0)::int AS entries, max(last_seq) AS last FROM interchange_batches WHERE endpoint_id = 'zj-rt' AND last_seq > ${restoredWatermark}`); // prettier-ignore
    const [straddling] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM interchange_batches WHERE endpoint_id = 'zj-rt' AND last_seq > ${restoredWatermark} AND first_seq <= ${restoredWatermark}`); // prettier-ignore
    expect([sent.entries, Number(sent.last), straddling.n]).toEqual([aboveWatermark.length, maxSeq, 0]);
    const above = new Set(aboveWatermark);
    expect(after.filter((r) => !above.has(r.eventId))).toEqual([]);
    const stats = await province.stats();
    expect([stats.distinctEvents, stats.orderViolations]).toEqual([zhejiang.length, 0]);
  }, 900_000);
});
