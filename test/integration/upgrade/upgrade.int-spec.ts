import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AuditRepository, AuditSigner, AuditVerifier } from '@ajx/audit';
import { dropDatabase, ensureDatabase } from '@ajx/persistence';
import { testRuntime, waitFor } from '@ajx/testing';
import ts from 'typescript';
import { DataSource, type MigrationInterface } from 'typeorm';
import { CONTENT_TYPES, getJson, SAMPLES, sampleFiles, TestHub, upload } from '../support/hub';
import { runCli } from '../support/kafka-users';

/**
 * Upgrading a hub with data in it (docs/compatibility.md): a database is created with the migrations of the previous
 * release — `PREVIOUS_RELEASE`, taken from git — and filled by the services through that schema (uploads normalised,
 * routed to department views and feeds, audited and sealed). Then the current `ajx db migrate` upgrades it: every row
 * is still there, the audit chain still verifies, and the current services go on where the old data ends (a data
 * standard v2 file is accepted, feed sequences continue).
 */
const ROOT = path.resolve(__dirname, '../../..');
/** No release has been tagged yet: the previous release is the last commit before the production work (CHANGELOG). */
const PREVIOUS_RELEASE = process.env.AJX_UPGRADE_FROM ?? '3728cec';
const MIGRATIONS_DIR = 'libs/persistence/src/migrations';

/** The previous release's migrations, checked out of git and compiled into a directory under the repository. */
function previousMigrations(dir: string): (new () => MigrationInterface)[] {
  let archive: Buffer;
  try {
    archive = execFileSync('git', ['archive', '--format=tar', PREVIOUS_RELEASE, MIGRATIONS_DIR], { cwd: ROOT });
  } catch (err) {
    throw new Error(
      `cannot read ${MIGRATIONS_DIR} of ${PREVIOUS_RELEASE} from git (a clone with history is needed): ${(err as Error).message}`,
    );
  }
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const src = path.join(dir, MIGRATIONS_DIR);
  for (const f of fs.readdirSync(src).filter((n) => n.endsWith('.ts'))) {
    const out = ts.transpileModule(fs.readFileSync(path.join(src, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(src, f.replace(/\.ts$/, '.js')), out.outputText);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(src, 'index.js')) as { MIGRATIONS: (new () => MigrationInterface)[] }).MIGRATIONS;
}

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

describe(`upgrade from ${PREVIOUS_RELEASE}`, () => {
  // Under the repository (git-ignored .tmp/), so the compiled migrations resolve `typeorm` from its node_modules.
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'upgrade-'));
  const url = new URL(testRuntime().databaseUrl);
  url.pathname = `/${url.pathname.slice(1)}_upg_${randomBytes(3).toString('hex')}`;
  const databaseUrl = url.toString();
  let db: DataSource;
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(
        COUNTED.map(async (t) => [t, (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${t}`))[0].n]),
      ),
    ) as Record<string, number>;

  /** Runs the services on the upgrade database, uploads the files, waits until every batch is complete. */
  async function runHub(label: string, files: { insurer: string; file: string }[]): Promise<string> {
    const hub = new TestHub(label, { services: ['gateway', 'normalizer', 'router'], databaseUrl, router: { AJX_RULE_PACK: 'jining@1' }, gateway: { AJX_RULE_PACK: 'jining@1' } }); // prettier-ignore
    try {
      await hub.start();
      await hub.principals.register(
        { id: 'upg-jn-emergency', type: 'department', name: '济宁市应急管理局', department: { kind: 'emergency', level: 'city', regionCode: '370800' } },
        'test',
      ); // prettier-ignore
      // The router projects the new department's (empty) history before the records come (docs/reliability.md);
      // on the second run the department's projection is long done.
      await waitFor(async () => (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM projection_jobs WHERE department_id = 'upg-jn-emergency' AND status = 'done'`))[0].n === 1, { timeoutMs: 60_000, what: 'projection of the department' }); // prettier-ignore
      const tokens: Record<string, string> = {};
      for (const { insurer, file } of files) {
        tokens[insurer] ??= await hub.principal({ id: insurer, type: 'insurer', name: insurer });
        const res = await upload(hub.url(), tokens[insurer], insurer, fs.readFileSync(file), CONTENT_TYPES[insurer]);
        expect([path.basename(file), res.status]).toEqual([path.basename(file), 202]);
        await waitFor(
          async () =>
            (await getJson(`${hub.url()}/v1/ingest/batches/${String(res.body.batchId)}`, tokens[insurer])).body
              ?.complete,
          { timeoutMs: 90_000, what: `${path.basename(file)} complete` },
        );
      }
      // Everything routed (every record's latest version) and the audit log sealed before the services stop.
      await waitFor(async () => (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM canonical_records c LEFT JOIN route_records r USING (insurer, kind, subject) WHERE r.version IS DISTINCT FROM c.version`))[0].n === 0, { timeoutMs: 60_000, what: 'routed' }); // prettier-ignore
      await waitFor(async () => (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_entries WHERE block_no IS NULL`))[0].n === 0, { timeoutMs: 30_000, what: 'audit sealed' }); // prettier-ignore
      return fs.readFileSync(hub.auditKeyFile, 'utf8');
    } finally {
      await hub.stop();
    }
  }

  it('keeps every row, the audit chain and the feeds, and takes v2 records afterwards', async () => {
    await ensureDatabase(databaseUrl);
    const old = previousMigrations(dir);
    db = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      migrations: old,
      migrationsTableName: 'schema_migrations',
    });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    const oldApplied = (await db.query<{ name: string }[]>('SELECT name FROM schema_migrations')).map((r) => r.name);
    expect(oldApplied).toHaveLength(old.length);

    const v1 = ['s1-picc-policy.csv', 's1-picc-hazard.csv'].map((f) => ({ insurer: 'PICC', file: sampleFiles('PICC').find((p) => p.endsWith(f))! })); // prettier-ignore
    const keyBefore = await runHub('upgold', v1);
    const before = await counts();
    expect(before.canonical_events).toBeGreaterThan(0);
    expect(before.dept_feed).toBeGreaterThan(0);
    const feedHead = (await db.query<{ s: string }[]>('SELECT max(seq)::text AS s FROM dept_feed'))[0].s;

    const migrated = runCli(['db', 'migrate'], { AJX_DATABASE_URL: databaseUrl, AJX_LOG_LEVEL: 'warn' });
    expect([migrated.status, migrated.stderr]).toEqual([0, expect.stringContaining('applied: ')]);
    const applied = (await db.query<{ name: string }[]>('SELECT name FROM schema_migrations')).map((r) => r.name);
    expect(applied.slice(0, oldApplied.length)).toEqual(oldApplied);
    expect(applied.length).toBeGreaterThan(oldApplied.length);
    expect(await counts()).toEqual(before);
    const keys = [AuditSigner.fromPem(keyBefore).verifier()];
    expect(await new AuditVerifier(new AuditRepository(db)).verify(keys)).toMatchObject({ ok: true, problems: [] });

    // The current services on the upgraded database: a data standard v2 file (accidents) is accepted and routed.
    const v2 = [
      { insurer: 'PICC', file: path.join(SAMPLES, '../samples-v2/PICC/s1-picc-v2-accident.csv') },
      { insurer: 'PICC', file: sampleFiles('PICC').find((p) => p.endsWith('s2-picc-policy.csv'))! },
    ];
    const keyAfter = await runHub('upgnew', v2);
    const after = await counts();
    for (const t of COUNTED) expect([t, after[t] >= before[t]]).toEqual([t, true]);
    const accidents = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM canonical_records WHERE kind = 'accident'`,
    );
    expect(accidents[0].n).toBeGreaterThan(0);
    // Feeds go on after the old entries: new entries above the old head, no sequence number given twice.
    const feed = await db.query<{ later: number; dupes: number }[]>(
      `SELECT (SELECT count(*)::int FROM dept_feed WHERE seq > $1) AS later,
              (SELECT count(*)::int FROM (SELECT department_id, seq FROM dept_feed GROUP BY 1, 2 HAVING count(*) > 1) d) AS dupes`,
      [feedHead],
    );
    expect(feed[0]).toEqual({ later: after.dept_feed - before.dept_feed, dupes: 0 });
    expect(feed[0].later).toBeGreaterThan(0);
    keys.push(AuditSigner.fromPem(keyAfter).verifier());
    expect(await new AuditVerifier(new AuditRepository(db)).verify(keys)).toMatchObject({ ok: true, problems: [] });
  });
});
