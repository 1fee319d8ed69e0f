import type { Sector } from '@ajx/contracts';
import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/** The pool, or a transaction's manager (a reader that needs one snapshot across several reads). */
type Reader = Pick<DataSource, 'query'> | Pick<EntityManager, 'query'>;
import type { RegisterAlternative, RegisterEntry, RegisterScope } from './register-entry';

export type RegisterSource = 'province' | 'department';

export interface RegisterVersion {
  version: number;
  source: RegisterSource;
  submittedBy: string;
  scopeRegion: string;
  scopeSectors: Sector[] | null;
  entries: number;
  /** Enterprises that were not in the current register of the scope before. */
  added: number;
  /** Enterprises of the scope's current register that the submission no longer lists. */
  removed: number;
  contentSha256: string | null;
  submittedAt: Date;
}

/** A current register entry as the supervision rules read it. */
export interface SupervisionRegisterRow {
  uscc: string;
  regionCode: string;
  sector: Sector;
  employeeCount: number | null;
  alternative: string | null;
}

export interface RegisterRow extends RegisterEntry {
  version: number;
  updatedAt: Date | null;
}

/** A reader's scope: the region prefix and sectors it may see (null: all); both also filter what is asked. */
export interface RegisterFilter {
  scopePrefix: string;
  scopeSectors: readonly Sector[] | null;
  region?: string;
  sector?: Sector;
  uscc?: string;
  version?: number;
  after?: string;
  limit: number;
}

/** Submissions are applied one at a time (the current register depends on their order). */
const REGISTER_LOCK = 7_301_501;

interface EntryDbRow {
  uscc: string;
  name: string;
  region: string;
  sector: Sector;
  industry_code: string | null;
  employee_count: number | null;
  address: string | null;
  note: string | null;
  alternative: RegisterAlternative | null;
  version: number;
  updated_at: Date | null;
}

const rowOf = (r: EntryDbRow): RegisterRow => ({
  uscc: r.uscc,
  name: r.name,
  regionCode: r.region,
  sector: r.sector,
  industryCode: r.industry_code,
  employeeCount: r.employee_count,
  address: r.address,
  note: r.note,
  alternative: r.alternative,
  version: r.version,
  updatedAt: r.updated_at,
});

interface VersionDbRow {
  version: number;
  source: RegisterSource;
  submitted_by: string;
  scope_region: string;
  scope_sectors: Sector[] | null;
  entries: number;
  added: number;
  removed: number;
  content_sha256: Buffer | null;
  submitted_at: Date;
}

const versionOf = (r: VersionDbRow): RegisterVersion => ({
  version: r.version,
  source: r.source,
  submittedBy: r.submitted_by,
  scopeRegion: r.scope_region,
  scopeSectors: r.scope_sectors,
  entries: r.entries,
  added: r.added,
  removed: r.removed,
  contentSha256: r.content_sha256 ? r.content_sha256.toString('hex') : null,
  submittedAt: r.submitted_at,
});

/**
 * One submission in progress: its entries are written in one transaction as they stream in; `commit` gives it the
 * next version and makes it the current register of its scope, `abort` leaves no trace.
 */
export class RegisterSubmission {
  private done = false;

  constructor(
    private readonly runner: QueryRunner,
    readonly id: number,
    private readonly scope: RegisterScope,
  ) {}

  async add(entries: readonly (RegisterEntry & { line: number })[]): Promise<void> {
    if (entries.length === 0) return;
    await this.runner.query(
      `INSERT INTO register_entries (submission_id, line, uscc, name, region, sector, industry_code, employee_count,
         address, note, alternative)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
         $9::text[], $10::text[], $11::text[])`,
      [
        this.id,
        entries.map((e) => e.line),
        entries.map((e) => e.uscc),
        entries.map((e) => e.name),
        entries.map((e) => e.regionCode),
        entries.map((e) => e.sector),
        entries.map((e) => e.industryCode),
        entries.map((e) => e.employeeCount),
        entries.map((e) => e.address),
        entries.map((e) => e.note),
        entries.map((e) => e.alternative),
      ],
    );
  }

  /**
   * Versions the submission and replaces the current register of its scope with it: enterprises of the scope it
   * does not list leave the current register; an enterprise it lists that was current elsewhere moves.
   */
  async commit(contentSha256: Buffer): Promise<RegisterVersion> {
    const q = this.runner;
    const sectors = this.scope.sectors ? [...this.scope.sectors] : null;
    await q.query('SELECT pg_advisory_xact_lock($1)', [REGISTER_LOCK]);
    const [{ version }] = await q.manager.query<{ version: number }[]>(
      `SELECT COALESCE(max(version), 0) + 1 AS version FROM register_submissions`,
    );
    const [{ removed, added }] = await q.manager.query<{ removed: number; added: number }[]>(
      `WITH scope AS (
         SELECT uscc FROM register_current WHERE region LIKE $2 || '%' AND ($3::text[] IS NULL OR sector = ANY($3))
       ), listed AS (SELECT uscc FROM register_entries WHERE submission_id = $1)
       SELECT (SELECT count(*) FROM scope WHERE uscc NOT IN (SELECT uscc FROM listed))::int AS removed,
              (SELECT count(*) FROM listed WHERE uscc NOT IN (SELECT uscc FROM register_current))::int AS added`,
      [this.id, this.scope.regionPrefix, sectors],
    );
    await q.query(
      `DELETE FROM register_current WHERE region LIKE $1 || '%' AND ($2::text[] IS NULL OR sector = ANY($2))`,
      [this.scope.regionPrefix, sectors],
    );
    await q.query(
      `INSERT INTO register_current (uscc, submission_id, version, name, region, sector, industry_code, employee_count,
         address, note, alternative)
       SELECT uscc, submission_id, $2, name, region, sector, industry_code, employee_count, address, note, alternative
       FROM register_entries WHERE submission_id = $1
       ON CONFLICT (uscc) DO UPDATE SET submission_id = EXCLUDED.submission_id, version = EXCLUDED.version,
         name = EXCLUDED.name, region = EXCLUDED.region, sector = EXCLUDED.sector,
         industry_code = EXCLUDED.industry_code, employee_count = EXCLUDED.employee_count,
         address = EXCLUDED.address, note = EXCLUDED.note, alternative = EXCLUDED.alternative, updated_at = now()`,
      [this.id, version],
    );
    const [row] = await returningRows<VersionDbRow>(
      q,
      `UPDATE register_submissions s SET version = $2, content_sha256 = $3, added = $4, removed = $5,
         entries = (SELECT count(*) FROM register_entries e WHERE e.submission_id = s.id)
       WHERE id = $1
       RETURNING version, source, submitted_by, scope_region, scope_sectors, entries, added, removed, content_sha256,
         submitted_at`,
      [this.id, version, contentSha256, added, removed],
    );
    await q.commitTransaction();
    await this.release();
    return versionOf(row);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.release();
    }
  }

  private async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.runner.release();
  }
}

/** SQL of the must-insure register: submissions (versioned at commit), their entries, the current register. */
@Injectable()
export class RegisterRepository {
  constructor(private readonly db: DataSource) {}

  async begin(o: {
    source: RegisterSource;
    submittedBy: string;
    scope: RegisterScope;
    requestId: string | null;
  }): Promise<RegisterSubmission> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [{ id }] = await runner.manager.query<{ id: string }[]>(
        `INSERT INTO register_submissions (source, submitted_by, scope_region, scope_sectors, request_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [o.source, o.submittedBy, o.scope.regionPrefix, o.scope.sectors ? [...o.scope.sectors] : null, o.requestId],
      );
      return new RegisterSubmission(runner, Number(id), o.scope);
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
      throw err;
    }
  }

  /** The current register (or one version's entries) within the reader's scope, by uscc, after `after`. */
  async entries(f: RegisterFilter): Promise<RegisterRow[]> {
    const params = [
      f.scopePrefix,
      f.scopeSectors ? [...f.scopeSectors] : null,
      f.region ?? null,
      f.sector ?? null,
      f.uscc ?? null,
      f.after ?? null,
      f.limit,
    ];
    const where = (t: string) => `${t}region LIKE $1 || '%' AND ($2::text[] IS NULL OR ${t}sector = ANY($2))
      AND ($3::text IS NULL OR ${t}region LIKE $3 || '%') AND ($4::text IS NULL OR ${t}sector = $4)
      AND ($5::text IS NULL OR ${t}uscc = $5) AND ($6::text IS NULL OR ${t}uscc > $6)`;
    if (f.version === undefined) {
      const rows = await this.db.query<EntryDbRow[]>(
        `SELECT uscc, name, region, sector, industry_code, employee_count, address, note, alternative, version,
                updated_at
         FROM register_current WHERE ${where('')} ORDER BY uscc LIMIT $7`,
        params,
      );
      return rows.map(rowOf);
    }
    const rows = await this.db.query<EntryDbRow[]>(
      `SELECT e.uscc, e.name, e.region, e.sector, e.industry_code, e.employee_count, e.address, e.note,
              e.alternative, s.version, NULL::timestamptz AS updated_at
       FROM register_entries e JOIN register_submissions s ON s.id = e.submission_id
       WHERE s.version = $8 AND ${where('e.')} ORDER BY e.uscc LIMIT $7`,
      [...params, f.version],
    );
    return rows.map(rowOf);
  }

  /**
   * The current entries of these enterprises as the supervision rules read them (SUPERVISION.md, Register): region,
   * sector, employees and the chosen alternative to insurance (`risk_deposit`), if any.
   */
  async supervisionEntriesOf(usccs: readonly string[], q: Reader = this.db): Promise<SupervisionRegisterRow[]> {
    if (!usccs.length) return [];
    return q.query<SupervisionRegisterRow[]>(
      // Probes by primary key (OFFSET 0 fences them): with a thousand enterprises PostgreSQL would otherwise scan the
      // whole register for each chunk of a full evaluation.
      `SELECT r.uscc, r.region AS "regionCode", r.sector, r.employee_count AS "employeeCount", r.alternative
         FROM (SELECT DISTINCT unnest($1::text[]) AS uscc) u
        CROSS JOIN LATERAL (SELECT * FROM register_current r WHERE r.uscc = u.uscc OFFSET 0) r`,
      [usccs],
    );
  }

  /** Every enterprise of the current register. */
  async currentUsccs(q: Reader = this.db): Promise<string[]> {
    const rows = await q.query<{ uscc: string }[]>(`SELECT uscc FROM register_current`);
    return rows.map((r) => r.uscc);
  }

  /** The newest committed version (null: no register yet) — a change of it means the register changed. */
  async latestVersion(q: Reader = this.db): Promise<number | null> {
    const [r] = await q.query<{ v: number | null }[]>(`SELECT max(version) AS v FROM register_submissions`);
    return r.v === null ? null : Number(r.v);
  }

  /** Versions whose scope overlaps the reader's region prefix (newest first). */
  async versions(scopePrefix: string, limit = 100, before?: number): Promise<RegisterVersion[]> {
    const rows = await this.db.query<VersionDbRow[]>(
      `SELECT version, source, submitted_by, scope_region, scope_sectors, entries, added, removed, content_sha256,
              submitted_at
       FROM register_submissions
       WHERE version IS NOT NULL AND (scope_region LIKE $1 || '%' OR $1 LIKE scope_region || '%')
         AND ($3::int IS NULL OR version < $3)
       ORDER BY version DESC LIMIT $2`,
      [scopePrefix, limit, before ?? null],
    );
    return rows.map(versionOf);
  }

  async version(version: number): Promise<RegisterVersion | null> {
    const rows = await this.db.query<VersionDbRow[]>(
      `SELECT version, source, submitted_by, scope_region, scope_sectors, entries, added, removed, content_sha256,
              submitted_at
       FROM register_submissions WHERE version = $1`,
      [version],
    );
    return rows[0] ? versionOf(rows[0]) : null;
  }
}
