import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { Queryable } from './supervision-findings.repository';

/** An enterprise's next day to evaluate (null: no day will come without new records). */
export interface Revisit {
  uscc: string;
  revisitOn: string | null;
}

/** Marks read by a run: what it evaluates, and what it deletes once it has. */
export interface RevisitMarks {
  markIds: string[];
  usccs: string[];
}

/**
 * `supervision_revisits` and `supervision_revisit_marks`: which enterprises the daily run evaluates (ADR 0013). Each
 * evaluation writes its enterprises' next day in its own transaction; versions stored by anything that does not
 * (a supervisor of the previous release) leave a mark, by trigger, until a run evaluates the enterprise.
 */
@Injectable()
export class SupervisionRevisitsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Says, for this transaction, that the versions it stores are evaluated and their revisits written in it: the
   * trigger on `supervision_versions` leaves no mark.
   */
  async writtenInTransaction(tx: Queryable): Promise<void> {
    await tx.query(`SELECT set_config('ajx.supervision_revisits', 'written', true)`);
  }

  /** Writes these enterprises' next days (deleting the row of an enterprise no day will come for). */
  async record(tx: Queryable, revisits: readonly Revisit[]): Promise<void> {
    const never: string[] = [];
    const usccs: string[] = [];
    const days: string[] = [];
    for (const r of revisits) {
      if (r.revisitOn === null) never.push(r.uscc);
      else {
        usccs.push(r.uscc);
        days.push(r.revisitOn);
      }
    }
    if (never.length) await tx.query(`DELETE FROM supervision_revisits WHERE uscc = ANY ($1::text[])`, [never]);
    if (usccs.length)
      await tx.query(
        `INSERT INTO supervision_revisits (uscc, revisit_on)
         SELECT * FROM unnest($1::text[], $2::date[])
         ON CONFLICT (uscc) DO UPDATE SET revisit_on = EXCLUDED.revisit_on
          WHERE supervision_revisits.revisit_on <> EXCLUDED.revisit_on`,
        [usccs, days],
      );
  }

  /** The enterprises whose day has come by asOf. */
  async dueBy(asOf: string): Promise<string[]> {
    const rows = await this.db.query<{ uscc: string }[]>(
      `SELECT uscc FROM supervision_revisits WHERE revisit_on <= $1::date`,
      [asOf],
    );
    return rows.map((r) => r.uscc);
  }

  /** The marks left so far (committed ones: a batch still storing leaves its marks for the next run). */
  async marks(): Promise<RevisitMarks> {
    const rows = await this.db.query<{ mark_id: string; uscc: string }[]>(
      `SELECT mark_id::text, uscc FROM supervision_revisit_marks`,
    );
    return { markIds: rows.map((r) => r.mark_id), usccs: [...new Set(rows.map((r) => r.uscc))] };
  }

  /** Deletes the marks a run read, once it has evaluated their enterprises. */
  async forgetMarks(markIds: readonly string[]): Promise<void> {
    if (!markIds.length) return;
    await this.db.query(`DELETE FROM supervision_revisit_marks WHERE mark_id = ANY ($1::bigint[])`, [markIds]);
  }
}
