import { Injectable } from '@nestjs/common';
import { jsonRows } from '@ajx/persistence';
import { FIGURE_MEMBERS, KEY_SEPARATOR, type FigureContribution, type FigureMember } from '@ajx/supervision';
import { DataSource, type EntityManager } from 'typeorm';
import type { JurisdictionScope } from './jurisdiction-scope';

type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

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

  async replace(tx: Queryable, usccs: readonly string[], rows: readonly (StoredContribution & { uscc: string })[]) {
    if (!usccs.length) return;
    await tx.query(`DELETE FROM supervision_figures WHERE uscc = ANY($1::text[])`, [usccs]);
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO supervision_figures (uscc, member, key, county, sector, vals)
       SELECT uscc, member, key, county, sector, ARRAY(SELECT jsonb_array_elements_text(vals))::bigint[]
         FROM jsonb_to_recordset($1::jsonb)
           AS r(uscc text, member text, key text, county text, sector text, vals jsonb)`,
      [
        jsonRows(
          rows.map((r) => ({
            uscc: r.uscc,
            member: r.member,
            key: storedKey(r.key),
            county: r.county,
            sector: r.sector,
            vals: r.values,
          })),
        ),
      ],
    );
  }

  /** Rows summed over every enterprise (trusted callers: reports, operators). */
  async sums(regionPrefix = '', sectors: readonly string[] | '*' = '*'): Promise<SummedRow[]> {
    return this.sumsOn(this.db, regionPrefix, sectors);
  }

  /** Rows summed over the enterprises a department's scope covers, read on `db` (the API role: RLS applies). */
  async sumsInScope(db: DataSource, scope: JurisdictionScope): Promise<SummedRow[]> {
    return db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('ajx.region_prefix', $1, true), set_config('ajx.sectors', $2, true)`, [
        scope.regionPrefix,
        scope.sectors === '*' ? '*' : scope.sectors.join(','),
      ]);
      return this.sumsOn(tx, scope.regionPrefix, scope.sectors);
    });
  }

  private async sumsOn(db: Queryable, regionPrefix: string, sectors: readonly string[] | '*'): Promise<SummedRow[]> {
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
}
