import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FIGURE_MEMBERS, KEY_SEPARATOR, type FigureContribution, type FigureMember } from '@ajx/supervision';
import { DataSource } from 'typeorm';

import type { Queryable } from './supervision-findings.repository';

/**
 * What an enterprise's rows are compared by: a hash of its rows in a fixed order (the order an evaluation produces
 * them in does not matter).
 */
function contributionsDigest(rows: readonly StoredContribution[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    lines[i] = `${r.member}\t${r.key}\t${r.county}\t${r.sector}\t${r.values.join(',')}`;
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('base64url');
}

/** Key columns are joined by `|` in the table (PostgreSQL text cannot hold the library's U+0000 separator). */
const STORED_SEPARATOR = '|';
const storedKey = (key: string) => key.split(KEY_SEPARATOR).join(STORED_SEPARATOR);
const libraryKey = (key: string) => key.split(STORED_SEPARATOR).join(KEY_SEPARATOR);

/** The most value columns a member has. */
const MAX_VALUES = Math.max(...Object.values(FIGURE_MEMBERS).map((m) => m.values.length));
const SUM_COLUMNS = Array.from({ length: MAX_VALUES }, (_, i) => `sum(vals[${i + 1}])::text AS v${i + 1}`).join(', ');

/** One enterprise's contribution to a figure row, with what a department's scope is decided on. */
export interface StoredContribution extends FigureContribution {
  /** The 6-digit county of the row (its key's county). */
  county: string;
  /** The sector the row counts for: the key's sector, else the enterprise's. */
  sector: string;
}

/** A figure row summed over the enterprises of a scope. */
export interface SummedRow {
  member: FigureMember;
  key: string;
  values: number[];
}

/**
 * `supervision_figures`: each enterprise's contributions to the figures (SUPERVISION.md, Figures). An evaluation
 * replaces the contributions of the enterprises it covered; any jurisdiction's figures are their sums. Department
 * reads run on the API role under row-level security by region prefix and sectors.
 */
@Injectable()
export class SupervisionFiguresRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Replaces these enterprises' contributions. Each enterprise's rows have a digest (`supervision_figure_digests`):
   * an enterprise whose digest did not change is not written at all — a daily re-evaluation changes the figures of
   * few enterprises, and comparing a thousand digests costs less than sending PostgreSQL a thousand enterprises' rows
   * to compare. For the others only the difference is written: rows no longer contributed are deleted, new or
   * changed rows are upserted, unchanged rows are left alone (no new tuple, no index entry, no WAL). One statement:
   * the delete, the upserts and the digests see the same snapshot. Rows are found by index probes (OFFSET 0 fences
   * them) and deleted by tuple id — never a scan of the table per chunk of a full evaluation. The caller holds the
   * enterprises' locks: nothing else writes their rows meanwhile.
   */
  async replace(tx: Queryable, usccs: readonly string[], rows: readonly (StoredContribution & { uscc: string })[]) {
    if (!usccs.length) return;
    const byEnterprise = new Map<string, (StoredContribution & { uscc: string })[]>(usccs.map((u) => [u, []]));
    for (const r of rows) {
      const list = byEnterprise.get(r.uscc);
      if (list) list.push(r);
      else byEnterprise.set(r.uscc, [r]);
    }
    const digests = new Map([...byEnterprise].map(([uscc, list]) => [uscc, contributionsDigest(list)]));
    const stored = await tx.query<{ uscc: string; digest: string }[]>(
      `SELECT d.uscc, d.digest FROM (SELECT DISTINCT unnest($1::text[]) AS uscc) u
        CROSS JOIN LATERAL (SELECT * FROM supervision_figure_digests d WHERE d.uscc = u.uscc OFFSET 0) d`,
      [[...digests.keys()]],
    );
    const unchanged = new Set(stored.filter((d) => digests.get(d.uscc) === d.digest).map((d) => d.uscc));
    const changed = [...digests.keys()].filter((u) => !unchanged.has(u));
    if (!changed.length) return;
    const incoming = changed.flatMap((u) => byEnterprise.get(u)!);
    await tx.query(
      `WITH incoming AS (
         SELECT uscc, member, key, county, sector, vals::bigint[] AS vals
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS r(uscc, member, key, county, sector, vals)
       ), gone AS (
         DELETE FROM supervision_figures
          WHERE ctid = ANY (ARRAY(
                  SELECT h.ctid FROM (SELECT DISTINCT unnest($1::text[]) AS uscc) u
                   CROSS JOIN LATERAL (
                     SELECT ctid, uscc, member, key FROM supervision_figures h WHERE h.uscc = u.uscc OFFSET 0) h
                   WHERE NOT EXISTS (
                     SELECT 1 FROM incoming i WHERE i.uscc = h.uscc AND i.member = h.member AND i.key = h.key)))
       ), digests AS (
         INSERT INTO supervision_figure_digests (uscc, digest)
         SELECT * FROM unnest($1::text[], $8::text[])
         ON CONFLICT (uscc) DO UPDATE SET digest = EXCLUDED.digest
       )
       INSERT INTO supervision_figures AS f (uscc, member, key, county, sector, vals)
       SELECT uscc, member, key, county, sector, vals FROM incoming
       ON CONFLICT (uscc, member, key) DO UPDATE
         SET county = EXCLUDED.county, sector = EXCLUDED.sector, vals = EXCLUDED.vals
         WHERE (f.county, f.sector, f.vals) IS DISTINCT FROM (EXCLUDED.county, EXCLUDED.sector, EXCLUDED.vals)`,
      [
        changed,
        incoming.map((r) => r.uscc),
        incoming.map((r) => r.member),
        incoming.map((r) => storedKey(r.key)),
        incoming.map((r) => r.county),
        incoming.map((r) => r.sector),
        incoming.map((r) => `{${r.values.join(',')}}`),
        changed.map((u) => digests.get(u)!),
      ],
    );
  }

  /**
   * Forgets every digest, so the next evaluation of each enterprise writes its rows as a difference again: run when
   * a supervisor starts, since a supervisor of the previous release (a rolling upgrade, a rollback) rewrote figure
   * rows without their digests.
   */
  async forgetDigests(): Promise<void> {
    await this.db.query(`DELETE FROM supervision_figure_digests`);
  }

  /** Keeps the coverage figures of every county and sector as of a date (a full evaluation just covered them all). */
  async snapshotCoverage(asOf: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM supervision_coverage_snapshots WHERE as_of = $1`, [asOf]);
      await tx.query(
        `INSERT INTO supervision_coverage_snapshots (as_of, county, sector, vals)
         SELECT $1, county, sector, ARRAY[${Array.from({ length: FIGURE_MEMBERS.coverage.values.length }, (_, i) => `sum(vals[${i + 1}])`).join(', ')}]::bigint[]
           FROM supervision_figures WHERE member = 'coverage' GROUP BY county, sector`,
        [asOf],
      );
    });
  }

  /** Coverage rows of a past date from the snapshots (trusted callers: reports). */
  coverageOn(asOf: string, regionPrefix = '', sectors: readonly string[] | '*' = '*'): Promise<SummedRow[]> {
    return coverageSnapshot(this.db, asOf, regionPrefix, sectors);
  }

  /** Rows summed over the enterprises of a region and sectors (trusted callers: reports, operators). */
  sums(regionPrefix = '', sectors: readonly string[] | '*' = '*'): Promise<SummedRow[]> {
    return sumFigures(this.db, regionPrefix, sectors);
  }
}

/** Figure rows summed over the enterprises of a region prefix and sectors (`*`: all). */
export async function sumFigures(
  db: Queryable,
  regionPrefix: string,
  sectors: readonly string[] | '*',
): Promise<SummedRow[]> {
  const rows = await db.query<({ member: FigureMember; key: string } & Record<string, string | null>)[]>(
    `SELECT member, key, ${SUM_COLUMNS}
         FROM supervision_figures
        WHERE county LIKE $1 || '%' AND ($2::text[] IS NULL OR sector = ANY($2::text[]))
        GROUP BY member, key`,
    [regionPrefix, sectors === '*' ? null : sectors],
  );
  return rows.map((r) => ({
    member: r.member,
    key: libraryKey(r.key),
    values: FIGURE_MEMBERS[r.member].values.map((_, i) => Number(r[`v${i + 1}`] ?? 0)),
  }));
}

/** The coverage rows of a snapshot date within a region prefix and sectors (none when no snapshot was taken then). */
export async function coverageSnapshot(
  db: Queryable,
  asOf: string,
  regionPrefix: string,
  sectors: readonly string[] | '*',
): Promise<SummedRow[]> {
  const rows = await db.query<{ county: string; sector: string; vals: string[] }[]>(
    `SELECT county, sector, vals::text[] AS vals FROM supervision_coverage_snapshots
      WHERE as_of = $1 AND county LIKE $2 || '%' AND ($3::text[] IS NULL OR sector = ANY($3::text[]))`,
    [asOf, regionPrefix, sectors === '*' ? null : sectors],
  );
  return rows.map((r) => ({
    member: 'coverage',
    key: `${r.county}${KEY_SEPARATOR}${r.sector}`,
    values: r.vals.map(Number),
  }));
}
