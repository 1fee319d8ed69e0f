import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import type { CommonConfig } from '@ajx/config';
import { DeptProjectionWriter } from '@ajx/dept-store';
import { IdentityRepository } from '@ajx/identity';
import { IngestBatchRepository } from '@ajx/ingest-store';
import { type GroupOffsets, type TopicBackup, type TopicExport } from '@ajx/messaging';
import { dataSourceOptions, ensureDatabase, type PgConnection } from '@ajx/persistence';
import { DataSource } from 'typeorm';

export const BACKUP_FORMAT = 'ajx-backup/1';

/**
 * Every feed and stream counter is moved this far on restore: entries issued after the backup (lost with it) are
 * issued again above any sequence a client may hold a cursor for, so no cursor skips them (they come again: at least
 * once, as always).
 */
export const RESTORE_SEQUENCE_GAP = 1_000_000_000n;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** The database clock just before the dump started (uploads not published by then are copied). */
  databaseTime: string;
  topicPrefix: string;
  migrations: string[];
  groups: GroupOffsets;
  topics: TopicExport[];
  uploads: { batchId: string; path: string; file: string; sha256: string }[];
  files: Record<string, string>;
}

/** Runs pg_dump / pg_restore with the connection given by the environment (libpq), never on the command line. */
function pgTool(tool: 'pg_dump' | 'pg_restore', args: string[], c: PgConnection, database?: string): Promise<void> {
  const url = new URL(c.url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username || 'postgres'),
    PGDATABASE: database ?? decodeURIComponent(url.pathname.slice(1)),
    PGAPPNAME: 'ajx-backup',
  };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  if (c.ssl) {
    env.PGSSLMODE = c.ssl.rejectUnauthorized ? (c.ssl.checkServerIdentity ? 'verify-ca' : 'verify-full') : 'require';
  }
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) =>
      reject(new Error(`${tool} could not run (${err.message}): install the PostgreSQL client (postgresql-client)`)),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${tool} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * `ajx backup` / `ajx restore` (docs/operations.md, "Backup and restore"). The order makes the parts agree:
 * consumer offsets first, then the database (one snapshot), then the topics — so the database holds at least what
 * the offsets say was handled (redelivered messages are duplicates, which every consumer drops), and the topics hold
 * everything the database refers to.
 */
export class BackupService {
  constructor(
    private readonly config: CommonConfig,
    private readonly db: PgConnection,
    private readonly topics: TopicBackup,
    private readonly log: (line: string) => void,
  ) {}

  async backup(dir: string): Promise<BackupManifest> {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new Error(`${dir} is not empty`);
    fs.mkdirSync(path.join(dir, 'uploads'), { recursive: true });
    const db = await this.open();
    try {
      // 1. What the consumers have committed.
      const groups = await this.topics.groupOffsets();
      this.log(`consumer offsets of ${Object.keys(groups).length} groups`);
      // 2. The database, one consistent snapshot (pg_dump's own transaction).
      const [{ now: databaseTime }] = await db.query<{ now: Date }[]>('SELECT now()');
      await pgTool('pg_dump', ['--format=custom', '--no-owner', `--file=${path.join(dir, 'database.dump')}`], this.db);
      const migrations = await db.query<{ name: string }[]>('SELECT name FROM schema_migrations ORDER BY id');
      this.log('database dumped');
      // 3. The topics, up to their ends now (after the snapshot).
      const topics = await this.topics.exportTopics(path.join(dir, 'topics'));
      this.log(`${topics.length} topics exported`);
      // 4. Uploads the snapshot has not seen published: the gateway publishes them again after a restore.
      const pending = await new IngestBatchRepository(db).uploadsUnpublishedAt(databaseTime);
      const uploads = [];
      for (const u of pending) {
        if (!fs.existsSync(u.path)) continue;
        const file = path.join('uploads', u.batchId);
        fs.copyFileSync(u.path, path.join(dir, file));
        uploads.push({ batchId: u.batchId, path: u.path, file, sha256: sha256(path.join(dir, file)) });
      }
      const files: Record<string, string> = { 'database.dump': sha256(path.join(dir, 'database.dump')) };
      for (const t of topics) files[`topics/${t.file}`] = sha256(path.join(dir, 'topics', t.file));
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        databaseTime: databaseTime.toISOString(),
        topicPrefix: this.config.AJX_TOPIC_PREFIX,
        migrations: migrations.map((m) => m.name),
        groups,
        topics,
        uploads,
        files,
      };
      fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      return manifest;
    } finally {
      await db.destroy();
    }
  }

  async restore(dir: string): Promise<{ database: string; topics: number; messages: number; uploads: number }> {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    if ((manifest.format as string) !== BACKUP_FORMAT) throw new Error(`${dir} is not an ajx-backup/1 backup`);
    if (manifest.topicPrefix !== this.config.AJX_TOPIC_PREFIX)
      throw new Error(
        `the backup's topic prefix is "${manifest.topicPrefix}", AJX_TOPIC_PREFIX is "${this.config.AJX_TOPIC_PREFIX}"`,
      );
    for (const [file, digest] of Object.entries(manifest.files))
      if (sha256(path.join(dir, file)) !== digest)
        throw new Error(`${file} does not match the manifest (damaged backup)`);
    // 1. The database, into an empty one.
    await ensureDatabase(this.db.url, this.db.ssl);
    const db = await this.open();
    try {
      const [tables] = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      );
      if (tables.n > 0) throw new Error('the target database is not empty: restore needs a new database');
      // Roles are the cluster's, not the database's: the department API's role must exist for its grants.
      await db.query(`DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ajx_api') THEN
            CREATE ROLE ajx_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
          END IF;
        END $$`);
      const database = decodeURIComponent(new URL(this.db.url).pathname.slice(1));
      await pgTool('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${database}`, path.join(dir, 'database.dump')], this.db); // prettier-ignore
      this.log('database restored');
      // 2. Topics and consumer offsets, onto an empty broker.
      const { messages } = await this.topics.importTopics(path.join(dir, 'topics'), manifest.topics, manifest.groups);
      this.log(`${manifest.topics.length} topics, ${messages} messages restored`);
      // 3. Uploads not yet published at the snapshot, where the restored batches expect them.
      for (const u of manifest.uploads) {
        fs.mkdirSync(path.dirname(u.path), { recursive: true });
        fs.copyFileSync(path.join(dir, u.file), u.path);
      }
      // 4. Sequences past anything issued before the restore (see RESTORE_SEQUENCE_GAP).
      const departments = await new IdentityRepository(db).listPrincipals('department');
      await new DeptProjectionWriter(db).skipFeedSequences(
        RESTORE_SEQUENCE_GAP,
        departments.map((d) => d.id),
      );
      await new CanonicalStoreRepository(db).skipSequences(RESTORE_SEQUENCE_GAP);
      return {
        database: decodeURIComponent(new URL(this.db.url).pathname.slice(1)),
        topics: manifest.topics.length,
        messages,
        uploads: manifest.uploads.length,
      };
    } finally {
      await db.destroy();
    }
  }

  /** One connection to the hub's database (the stores' repositories run on it). */
  private async open(): Promise<DataSource> {
    const db = new DataSource(dataSourceOptions({ ...this.db, poolSize: 1, applicationName: 'ajx-backup' }));
    await db.initialize();
    return db;
  }
}
