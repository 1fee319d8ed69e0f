import { Injectable } from '@nestjs/common';
import { jsonRows } from '@ajx/persistence';
import { DataSource } from 'typeorm';

export type TargetScope = 'county' | 'insurer';

/** A year's target of a county or an insurer in a city (七(九)): insured enterprises and premium. */
export interface SupervisionTarget {
  year: number;
  city: string;
  scope: TargetScope;
  scopeId: string;
  insured: number | null;
  premiumFen: number | null;
  setBy: string;
  setAt: Date;
}

/** `supervision_targets`: what a city's emergency department sets per county and insurer and year. */
@Injectable()
export class SupervisionTargetsRepository {
  constructor(private readonly db: DataSource) {}

  /** Replaces the city's targets of the year with these (one statement: a reader never sees half of them). */
  async replace(
    year: number,
    city: string,
    targets: readonly Omit<SupervisionTarget, 'year' | 'city' | 'setBy' | 'setAt'>[],
    setBy: string,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM supervision_targets WHERE year = $1 AND city = $2`, [year, city]);
      if (!targets.length) return;
      await tx.query(
        `INSERT INTO supervision_targets (year, city, scope, scope_id, insured, premium_fen, set_by)
         SELECT $2, $3, scope, scope_id, insured, premium_fen, $4
           FROM jsonb_to_recordset($1::jsonb) AS t(scope text, scope_id text, insured int, premium_fen bigint)`,
        [
          jsonRows(
            targets.map((t) => ({
              scope: t.scope,
              scope_id: t.scopeId,
              insured: t.insured,
              premium_fen: t.premiumFen,
            })),
          ),
          year,
          city,
          setBy,
        ],
      );
    });
  }

  /** Targets of a year whose city is within the region prefix (a county sees its city's). */
  async ofYear(year: number, cityPrefix: string): Promise<SupervisionTarget[]> {
    const rows = await this.db.query<
      {
        year: number;
        city: string;
        scope: TargetScope;
        scope_id: string;
        insured: number | null;
        premium_fen: string | null;
        set_by: string;
        set_at: Date;
      }[]
    >(`SELECT * FROM supervision_targets WHERE year = $1 AND city LIKE $2 || '%' ORDER BY city, scope, scope_id`, [
      year,
      cityPrefix,
    ]);
    return rows.map((r) => ({
      year: r.year,
      city: r.city,
      scope: r.scope,
      scopeId: r.scope_id,
      insured: r.insured,
      premiumFen: r.premium_fen === null ? null : Number(r.premium_fen),
      setBy: r.set_by,
      setAt: r.set_at,
    }));
  }
}
