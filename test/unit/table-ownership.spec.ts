import fs from 'node:fs';
import path from 'node:path';

/*
 * One owner per table: each table of the hub is queried only by the lib that owns it (its repositories); everything
 * else calls that lib. Checked over every TypeScript file of apps/ and libs/ except tests and migrations (which
 * create the tables). Benchmarks (bench/) and tests observe the database from outside and are not checked.
 */

const ROOT = path.resolve(__dirname, '../..');

/** Who owns which table. Every table a migration creates must be listed here. */
const OWNERS: Record<string, readonly string[]> = {
  'libs/audit': ['audit_entries', 'audit_blocks'],
  'libs/identity': ['principals', 'credentials', 'console_users'],
  'libs/canonical-store': [
    'canonical_events',
    'canonical_records',
    'canonical_corrections',
    'dlq_entries',
    'stream_counters',
    // The erasure ledger of personal data (PIPL): the requests name the canonical store's enterprises.
    'privacy_erasures',
  ],
  'libs/ingest-store': ['ingest_batches', 'batch_outcomes', 'upload_sessions'],
  'libs/dept-store': [
    'dept_views',
    'dept_feed',
    'dept_payloads',
    'dept_counters',
    'route_records',
    'projection_jobs',
    'rule_packs',
    'hazard_escalations',
    'hazard_acknowledgements',
    'dept_webhooks',
    'webhook_deliveries',
  ],
  'libs/interchange-store': [
    'interchange_endpoints',
    'interchange_outbox',
    'interchange_batches',
    'interchange_resends',
    'interchange_manifests',
    'interchange_pulls',
    'register_submissions',
    'register_entries',
    'register_current',
  ],
  'libs/supervision-store': [
    'supervision_versions',
    'supervision_moved_records',
    'supervision_findings',
    'supervision_finding_history',
    'supervision_figures',
    'supervision_figure_digests',
    'supervision_coverage_snapshots',
    'supervision_targets',
    'supervision_runs',
    'supervision_revisits',
    'supervision_revisit_marks',
  ],
  'libs/report-store': ['reports'],
  // The simulator stands for another organisation's system: its own schema, migrations and repository.
  'apps/province-simulator': [
    'batches',
    'delivery_log',
    'receiver_state',
    'seen_signatures',
    'manifest_checks',
    'reconciliation_reports',
    'pull_state',
  ],
};

const MIGRATION_DIRS: Record<string, string> = {
  'libs/persistence/src/migrations': 'hub',
  'apps/province-simulator/src/database/migrations': 'province-simulator',
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');

/** Tables the migrations create. */
function migrationTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const dir of Object.keys(MIGRATION_DIRS)) {
    for (const file of walk(path.join(ROOT, dir))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)) {
        tables.set(m[1], rel(file));
      }
    }
  }
  return tables;
}

const ownerOf = new Map(Object.entries(OWNERS).flatMap(([owner, ts]) => ts.map((t) => [t, owner] as const)));

/** A statement naming a table: FROM/JOIN/INTO/UPDATE/TABLE/TRUNCATE <table>, optionally schema-qualified. */
const REFERENCE = new RegExp(
  `\\b(FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\\s+(?:ONLY\\s+)?(?:[a-z_]+\\.|\\$\\{[^}]+\\}\\.)?(${[...ownerOf.keys()].join('|')})\\b`,
  'g',
);

interface Violation {
  file: string;
  line: number;
  table: string;
  owner: string;
  statement: string;
}

/** Every place in `text` (the file `file`, relative to the root) that queries a table it does not own. */
function violationsIn(file: string, text: string): Violation[] {
  const out: Violation[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const table = m[2];
    const owner = ownerOf.get(table)!;
    if (file.startsWith(`${owner}/`)) continue;
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ file, line, table, owner, statement: m[0] });
  }
  return out;
}

function checkedFiles(): string[] {
  const migrations = Object.keys(MIGRATION_DIRS);
  return [...walk(path.join(ROOT, 'apps')), ...walk(path.join(ROOT, 'libs'))]
    .map(rel)
    .filter((f) => !/\.(int-)?spec\.ts$/.test(f))
    .filter((f) => !f.startsWith('libs/testing/'))
    .filter((f) => !migrations.some((m) => f.startsWith(`${m}/`)));
}

describe('one owner per table', () => {
  it('every table the migrations create has exactly one owner', () => {
    const created = migrationTables();
    const unowned = [...created].filter(([t]) => !ownerOf.has(t)).map(([t, file]) => `${t} (created in ${file})`);
    expect(unowned).toEqual([]);
    const listedTwice = Object.values(OWNERS)
      .flat()
      .filter((t, i, all) => all.indexOf(t) !== i);
    expect(listedTwice).toEqual([]);
    const gone = [...ownerOf.keys()].filter((t) => !created.has(t));
    expect(gone).toEqual([]);
  });

  it('only the owning lib queries a table', () => {
    const violations = checkedFiles().flatMap((f) => violationsIn(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    const report = violations.map(
      (v) =>
        `${v.file}:${v.line} queries ${v.table} ("${v.statement}"), which ${v.owner} owns: ` +
        `call a repository of ${v.owner} instead`,
    );
    expect(report).toEqual([]);
  });

  it('finds a query of another lib’s table, schema-qualified or not, and lets the owner query it', () => {
    const sql =
      'await db.query(`SELECT seq\n  FROM canonical_events e JOIN public.ingest_batches b USING (batch_id)`);';
    expect(violationsIn('apps/gateway/src/x.service.ts', sql)).toEqual([
      {
        file: 'apps/gateway/src/x.service.ts',
        line: 2,
        table: 'canonical_events',
        owner: 'libs/canonical-store',
        statement: 'FROM canonical_events',
      },
      {
        file: 'apps/gateway/src/x.service.ts',
        line: 2,
        table: 'ingest_batches',
        owner: 'libs/ingest-store',
        statement: 'JOIN public.ingest_batches',
      },
    ]);
    expect(violationsIn('libs/canonical-store/src/canonical-store.repository.ts', sql)).toHaveLength(1);
    expect(violationsIn('libs/x/src/y.ts', 'UPDATE interchange_outbox SET')).toHaveLength(1);
    expect(violationsIn('libs/x/src/y.ts', 'DO UPDATE SET x = 1 FROM unnest($1) AS t')).toEqual([]);
  });
});
