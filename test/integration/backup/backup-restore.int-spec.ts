import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInRulePackBySpec, type Department } from '@ajx/authz';
import { dropDatabase } from '@ajx/persistence';
import { testNamespace, testRuntime, waitFor } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import { generateLoad, type LoadFile, uploadWithRetries } from '../../chaos/support/load';
import { compare, type Check, ok, Oracle } from '../../chaos/support/oracle';
import { getJson, TestHub } from '../support/hub';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: object): Promise<{ brokers: string[] }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
};

/**
 * `ajx backup` under load and `ajx restore` into a fresh database and a fresh broker (docs/operations.md, "Backup and
 * restore"). A hub takes generated files of every insurer while the backup runs; the restored hub — consumer offsets
 * translated, uploads still to publish put back — then gets what its insurers re-send (the uploads the backup did not
 * see) and converges to exactly what the chaos oracle expects: every version once in the canonical store, the latest
 * per record, each entitled department's view and feed (no entry duplicated or lost), every reject in the DLQ.
 */
const ROOT = path.resolve(__dirname, '../../..');
const RULE_PACK = 'jining@1';
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

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('backup under load and restore into a fresh database and broker', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-backup-test-'));
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
  let files: LoadFile[];
  let restoredHub: TestHub | undefined;
  const uploadPaths: string[] = [];

  afterAll(async () => {
    await restoredHub?.stop();
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
    // The router projects the new departments' (empty) histories before the load (docs/reliability.md, known limits).
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM projection_jobs WHERE status = 'done'`))[0]
          .n === seed.departments.length,
      { timeoutMs: 120_000, intervalMs: 300, what: 'projection of the departments' },
    );
    return tokens;
  }

  it('restores a hub that agrees with the oracle once its insurers re-send what the backup did not see', async () => {
    files = await generateLoad({
      dir: path.join(dir, 'load'),
      seed: 'backup-restore-1',
      records: 2400,
      perFile: 300,
      regionPrefixes: ['3708', '3301', '4401'],
    });
    const oracle = new Oracle(files, builtInRulePackBySpec(RULE_PACK), seed.departments);

    // 1. The original hub under load; the backup starts once some files are in.
    const original = new TestHub('backupa', hubOptions);
    let backup: { status: number; stdout: string; stderr: string };
    try {
      await original.start();
      const tokens = await registerAll(original);
      const env = { AJX_DATABASE_URL: original.databaseUrl, AJX_KAFKA_BROKERS: testRuntime().brokers.join(','), AJX_TOPIC_PREFIX: ns.topicPrefix }; // prettier-ignore
      let uploaded = 0;
      const queue = [...files];
      const uploading = Promise.all(
        [0, 1].map(async () => {
          for (let f = queue.shift(); f; f = queue.shift()) {
            await uploadWithRetries(original.url(), tokens.get(f.insurer)!, f, Date.now() + 120_000);
            uploaded++;
          }
        }),
      );
      await waitFor(() => uploaded >= 3, { timeoutMs: 120_000, what: 'three files uploaded' });
      backup = await ajx(['backup', '--out', path.join(dir, 'backup')], env);
      await uploading;
      for (const p of await original.db.query<{ upload_path: string }[]>(`SELECT upload_path FROM ingest_batches`))
        uploadPaths.push(p.upload_path);
    } finally {
      await original.stop();
    }
    expect([backup.status, backup.stderr]).toEqual([0, expect.stringContaining('topics exported')]);
    const summary = JSON.parse(backup.stdout) as { groups: string[]; topics: { topic: string; messages: number }[] };
    expect(summary.groups.sort()).toEqual([`${ns.topicPrefix}ajx.normalizer`, `${ns.topicPrefix}ajx.router`]);

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

    // 3. The restored hub; the insurers re-send the files it does not know (accepted after the backup's snapshot).
    restoredHub = new TestHub('backupb', { ...hubOptions, brokers: broker.brokers, databaseUrl: restoredUrl });
    await restoredHub.start();
    const db: DataSource = restoredHub.db;
    const counters = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dept_counters WHERE last_seq < 1000000000`); // prettier-ignore
    expect(counters[0].n).toBe(0);
    const known = new Map(
      (await db.query<{ batch_id: string; sha: string; insurer: string }[]>(`SELECT batch_id, encode(content_sha256, 'hex') AS sha, insurer FROM ingest_batches`)).map((r) => [`${r.insurer}|${r.sha}`, r.batch_id]), // prettier-ignore
    );
    const tokens = new Map<string, string>();
    for (const i of seed.insurers) tokens.set(i.id, (await restoredHub.credentials.issue(i.id, { validDays: 1 }, 'test')).token); // prettier-ignore
    const batchIds = new Map<string, string>();
    const resent: string[] = [];
    for (const f of files) {
      const batch = known.get(`${f.insurer}|${sha256(f.file)}`);
      if (batch) batchIds.set(f.file, batch);
      else {
        resent.push(f.file);
        batchIds.set(f.file, (await uploadWithRetries(restoredHub.url(), tokens.get(f.insurer)!, f, Date.now() + 120_000)).batchId); // prettier-ignore
      }
    }
    expect(batchIds.size).toBe(files.length);
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

    // 4. The oracle's checks.
    const knownBatches = new Set(batchIds.values());
    const dlq = await rows<{ k: string; batch: string }>(
      `SELECT batch_id || '|' || record_index || '|' || code AS k, batch_id AS batch FROM dlq_entries WHERE status = 'open'`,
    );
    const checks: Check[] = [
      compare('canonical events', oracle.eventIds(), (await rows<{ id: string }>(`SELECT event_id AS id FROM canonical_events`)).map((r) => r.id)), // prettier-ignore
      compare('canonical records', oracle.latestRecords(), (await rows<{ k: string }>(`SELECT kind || '|' || insurer || '|' || subject || '|' || version || '|' || event_id AS k FROM canonical_records`)).map((r) => r.k)), // prettier-ignore
      compare('department views', oracle.viewRows(), (await rows<{ k: string }>(`SELECT department_id || '|' || kind || '|' || insurer || '|' || subject || '|' || event_id AS k FROM dept_views`)).map((r) => r.k)), // prettier-ignore
      compare('department feeds', oracle.feedEntries(), (await rows<{ k: string }>(`SELECT department_id || '|' || event_id AS k FROM dept_feed WHERE entry <> 'escalated'`)).map((r) => r.k)), // prettier-ignore
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
  }, 900_000);
});
