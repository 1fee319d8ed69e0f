import fs from 'node:fs';
import path from 'node:path';
import { AuditRepository, AuditSigner, AuditVerifier, AuditVerifierKey } from '@ajx/audit';
import { dropDatabase } from '@ajx/persistence';
import { type ChildService, freePort, testNamespace, testRuntime, waitFor } from '@ajx/testing';
import { DataSource } from 'typeorm';
import { buildRelease, type BuiltRelease } from '../support/previous-release';
import { CONTENT_TYPES, getJson, SAMPLES, sampleFiles, TestHub, upload } from '../support/hub';
import { runCli } from '../support/kafka-users';

/**
 * Upgrading a hub with data in it (docs/compatibility.md). The previous release — `PREVIOUS_RELEASE`, taken out of
 * git and built — runs as it was released: its own `ajx db migrate` creates the database, its own CLI registers the
 * principals, its own gateway, normaliser and router (child processes of its dist/) take uploads, normalise, route
 * them to a department's view and feed, and audit and seal, on the run's Kafka broker under a topic prefix of their
 * own. Then the current `ajx db migrate` upgrades that database: every row is still there, the audit chain still
 * verifies, and the current services go on where the old data ends (a data standard v2 file is accepted and routed,
 * feed sequences continue without a number given twice).
 *
 * The release is built on this checkout's node_modules: its lock file pins a subset of ours at the same versions
 * (`3728cec` → now only adds echarts, exceljs, express, fontkit, helmet, pdfkit, svg-to-pdfkit, js-yaml and their
 * types; none changed or went away), which `buildRelease` checks package by package before building.
 */
/** No release has been tagged yet: the previous release is the last commit before the production work (CHANGELOG). */
const PREVIOUS_RELEASE = process.env.AJX_UPGRADE_FROM ?? '3728cec';
const DEPARTMENT = 'upg-jn-emergency';

const COUNTED = [
  'principals',
  'credentials',
  'audit_entries',
  'audit_blocks',
  'ingest_batches',
  'batch_outcomes',
  'canonical_events',
  'canonical_records',
  'dlq_entries',
  'route_records',
  'dept_views',
  'dept_feed',
];

/** Stops a child: SIGTERM (the services drain and close), SIGKILL if it has not gone after `graceMs`. */
async function stopChild(c: ChildService, graceMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const killLater = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      c.child.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([c.kill('SIGTERM'), killLater]);
  clearTimeout(timer);
  await c.exited;
}

describe(`upgrade from ${PREVIOUS_RELEASE} (slow: builds the previous release from git first)`, () => {
  const rt = testRuntime();
  // Under the run's directory: removed with the run, or by the next run's reaper when this one was killed.
  const dir = fs.mkdtempSync(path.join(rt.dir, 'upgrade-'));
  const url = new URL(rt.databaseUrl);
  url.pathname = `${url.pathname}_upg_${path.basename(dir).slice('upgrade-'.length).toLowerCase()}`;
  const databaseUrl = url.toString();
  const children: ChildService[] = [];
  let db: DataSource | undefined;

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c, 5_000)));
    await db?.destroy();
    await dropDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const query = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await db!.query<{ n: number }[]>(sql, params))[0].n;
  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(COUNTED.map(async (t) => [t, await query(`SELECT count(*)::int AS n FROM ${t}`)])),
    ) as Record<string, number>;
  /** Every record's latest version routed, and the audit log sealed: nothing is in flight when the services stop. */
  async function settled(): Promise<void> {
    await waitFor(async () => (await query(`SELECT count(*)::int AS n FROM canonical_records c LEFT JOIN route_records r USING (insurer, kind, subject) WHERE r.version IS DISTINCT FROM c.version`)) === 0, { timeoutMs: 60_000, what: 'every record routed' }); // prettier-ignore
    await waitFor(async () => (await query(`SELECT count(*)::int AS n FROM audit_entries WHERE block_no IS NULL`)) === 0, { timeoutMs: 30_000, what: 'audit log sealed' }); // prettier-ignore
  }
  /** The router projects a new department's (empty) history before its records come (docs/reliability.md). */
  const projected = (): Promise<boolean> =>
    waitFor(async () => (await query(`SELECT count(*)::int AS n FROM projection_jobs WHERE department_id = $1 AND status = 'done'`, [DEPARTMENT])) === 1, { timeoutMs: 60_000, what: 'projection of the department' }); // prettier-ignore

  /** Uploads the files through a gateway and waits until each batch is complete. */
  async function uploadAll(gateway: string, token: string, files: string[]): Promise<void> {
    for (const file of files) {
      const res = await upload(gateway, token, 'PICC', fs.readFileSync(file), CONTENT_TYPES.PICC);
      expect([path.basename(file), res.status]).toEqual([path.basename(file), 202]);
      await waitFor(
        async () => (await getJson(`${gateway}/v1/ingest/batches/${String(res.body.batchId)}`, token)).body?.complete,
        { timeoutMs: 90_000, what: `${path.basename(file)} complete` },
      );
    }
  }

  /**
   * The previous release, set up as its operator would and run until its data is settled: migrate, keys, topics,
   * principals with its CLI; then its router, normaliser and gateway. Returns its audit key's public PEM.
   */
  async function fillWithPreviousRelease(release: BuiltRelease, files: string[]): Promise<string> {
    const ns = testNamespace('upgold');
    const common = {
      AJX_KAFKA_BROKERS: rt.brokers.join(','),
      AJX_KAFKA_SESSION_TIMEOUT_MS: '6000',
      AJX_TOPIC_PREFIX: ns.topicPrefix,
      AJX_DATABASE_URL: databaseUrl,
      AJX_DATABASE_POOL_SIZE: '4',
      AJX_REDIS_URL: rt.redisUrl,
      AJX_REDIS_PREFIX: ns.redisPrefix,
      AJX_LOG_LEVEL: process.env.AJX_TEST_LOG_LEVEL ?? 'warn',
      AJX_HTTP_HOST: '127.0.0.1',
    };
    const cli = (args: string[]): string => {
      const res = release.cli(args, common);
      if (res.status !== 0)
        throw new Error(`${release.ref}: ajx ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
      return res.stdout;
    };
    const migrated = release.cli(['db', 'migrate'], common);
    expect([migrated.status, migrated.stderr]).toEqual([0, expect.stringContaining('applied: ')]);
    // This process only reads the database (counts, progress); everything is written by the release.
    db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
    const keyFile = path.join(dir, 'audit-key.pem');
    cli(['audit', 'keygen', '--out', keyFile]);
    cli(['topics', 'ensure']);
    cli(['principals', 'add', '--id', DEPARTMENT, '--type', 'department', '--name', '济宁市应急管理局', '--kind', 'emergency', '--level', 'city', '--region', '370800']); // prettier-ignore
    cli(['principals', 'add', '--id', 'PICC', '--type', 'insurer', '--name', '中国人民财产保险']);
    const { token } = JSON.parse(cli(['credentials', 'issue', '--principal', 'PICC', '--days', '1'])) as { token: string }; // prettier-ignore

    const ports = { router: await freePort(), normalizer: await freePort(), gateway: await freePort() };
    const settings: Record<keyof typeof ports, Record<string, string>> = {
      router: { AJX_ROUTER_PORT: String(ports.router), AJX_RULE_PACK: 'jining@1', AJX_ROUTER_DIRECTORY_REFRESH_MS: '300' }, // prettier-ignore
      normalizer: { AJX_NORMALIZER_PORT: String(ports.normalizer) },
      gateway: {
        AJX_GATEWAY_PORT: String(ports.gateway),
        AJX_RULE_PACK: 'jining@1',
        AJX_UPLOAD_DIR: path.join(dir, 'uploads'),
        AJX_AUDIT_KEY_FILE: keyFile,
        AJX_AUDIT_SEAL_INTERVAL_MS: '500',
        AJX_RATE_LIMIT_PER_SECOND: '1000',
        AJX_RATE_LIMIT_BURST: '2000',
      },
    };
    let stopping = false;
    const running: ChildService[] = [];
    // A service of the release that dies on its own fails the test at once, with its output.
    let crash: (err: Error) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => (crash = reject));
    crashed.catch(() => undefined);
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, crashed]);
    try {
      for (const app of ['router', 'normalizer', 'gateway'] as const) {
        const child = release.spawn(app, { ...common, ...settings[app] });
        children.push(child);
        running.push(child);
        void child.exited.then(({ code, signal }) => {
          if (!stopping) crash(new Error(`${app} of ${release.ref} exited (${code ?? signal}):\n${child.output()}`));
        });
        await guard(
          waitFor(async () => (await fetch(`http://127.0.0.1:${ports[app]}/health/ready`)).ok, {
            timeoutMs: 60_000,
            what: `${app} of ${release.ref} ready`,
          }),
        );
      }
      await guard(projected());
      await guard(uploadAll(`http://127.0.0.1:${ports.gateway}`, token, files));
      await guard(settled());
    } finally {
      stopping = true;
      for (const child of running.reverse()) await stopChild(child);
    }
    // The release's own verifier accepts the chain it wrote.
    const verified = release.cli(['audit', 'verify', '--key', `${keyFile}.pub`], common);
    expect([verified.status, verified.stderr]).toEqual([0, expect.stringContaining('audit chain intact')]);
    return fs.readFileSync(`${keyFile}.pub`, 'utf8');
  }

  /** The current services (in this process) on the upgraded database; returns the audit key they sealed with. */
  async function runCurrentHub(files: string[]): Promise<string> {
    const hub = new TestHub('upgnew', { services: ['gateway', 'normalizer', 'router'], databaseUrl, router: { AJX_RULE_PACK: 'jining@1' }, gateway: { AJX_RULE_PACK: 'jining@1' } }); // prettier-ignore
    try {
      await hub.start();
      await hub.principals.register(
        { id: DEPARTMENT, type: 'department', name: '济宁市应急管理局', department: { kind: 'emergency', level: 'city', regionCode: '370800' } },
        'test',
      ); // prettier-ignore
      // The department's projection was done by the previous release; the current router does not redo it.
      await projected();
      const token = await hub.principal({ id: 'PICC', type: 'insurer', name: '中国人民财产保险' });
      await uploadAll(hub.url(), token, files);
      await settled();
      return fs.readFileSync(hub.auditKeyFile, 'utf8');
    } finally {
      await hub.stop();
    }
  }

  it('keeps every row, the audit chain and the feeds, and takes v2 records afterwards', async () => {
    const release = buildRelease(PREVIOUS_RELEASE, fs.mkdtempSync(path.join(dir, 'release-')));
    const v1 = ['s1-picc-policy.csv', 's1-picc-hazard.csv'].map((f) => sampleFiles('PICC').find((p) => p.endsWith(f))!); // prettier-ignore
    const keyBefore = await fillWithPreviousRelease(release, v1);

    const oldApplied = (await db!.query<{ name: string }[]>('SELECT name FROM schema_migrations ORDER BY id')).map((r) => r.name); // prettier-ignore
    const oldMigrations = fs.readdirSync(path.join(release.root, 'libs/persistence/src/migrations'));
    expect(oldApplied).toHaveLength(oldMigrations.filter((f) => /^\d+-.*\.ts$/.test(f)).length);
    const before = await counts();
    expect(before.canonical_events).toBeGreaterThan(0);
    expect(before.route_records).toBeGreaterThan(0);
    expect(before.dept_feed).toBeGreaterThan(0);
    expect(before.audit_blocks).toBeGreaterThan(0);
    const feedHead = (await db!.query<{ s: string }[]>('SELECT max(seq)::text AS s FROM dept_feed'))[0].s;

    const migrated = runCli(['db', 'migrate'], { AJX_DATABASE_URL: databaseUrl, AJX_LOG_LEVEL: 'warn' });
    expect([migrated.status, migrated.stderr]).toEqual([0, expect.stringContaining('applied: ')]);
    const applied = (await db!.query<{ name: string }[]>('SELECT name FROM schema_migrations ORDER BY id')).map((r) => r.name); // prettier-ignore
    expect(applied.slice(0, oldApplied.length)).toEqual(oldApplied);
    expect(applied.length).toBeGreaterThan(oldApplied.length);
    expect(await counts()).toEqual(before);
    const keys = [AuditVerifierKey.fromPem(keyBefore)];
    expect(await new AuditVerifier(new AuditRepository(db!)).verify(keys)).toMatchObject({ ok: true, problems: [] });

    // The current services on the upgraded database: a data standard v2 file (accidents) and a further v1 policy
    // file are accepted and routed.
    const v2 = [
      path.join(SAMPLES, '../samples-v2/PICC/s1-picc-v2-accident.csv'),
      sampleFiles('PICC').find((p) => p.endsWith('s2-picc-policy.csv'))!,
    ];
    const keyAfter = await runCurrentHub(v2);
    const after = await counts();
    for (const t of COUNTED) expect([t, after[t] >= before[t]]).toEqual([t, true]);
    expect(await query(`SELECT count(*)::int AS n FROM canonical_records WHERE kind = 'accident'`)).toBeGreaterThan(0);
    expect(await query(`SELECT count(*)::int AS n FROM route_records WHERE kind = 'accident'`)).toBeGreaterThan(0);
    // Feeds go on after the old entries: new entries above the old head, no sequence number given twice.
    const feed = await db!.query<{ later: number; dupes: number }[]>(
      `SELECT (SELECT count(*)::int FROM dept_feed WHERE seq > $1) AS later,
              (SELECT count(*)::int FROM (SELECT department_id, seq FROM dept_feed GROUP BY 1, 2 HAVING count(*) > 1) d) AS dupes`,
      [feedHead],
    );
    expect(feed[0]).toEqual({ later: after.dept_feed - before.dept_feed, dupes: 0 });
    expect(feed[0].later).toBeGreaterThan(0);
    keys.push(AuditSigner.fromPem(keyAfter).verifier());
    expect(await new AuditVerifier(new AuditRepository(db!)).verify(keys)).toMatchObject({ ok: true, problems: [] });
  });
});
