import { Inject, Injectable } from '@nestjs/common';
import { jsonRows, type Queryable, storableText } from '@ajx/persistence';
import { DataSource } from 'typeorm';

export type OutcomeKind = 'normalized' | 'duplicate' | 'rejected';

/** What became of one record of an upload (written by the normaliser; index 0 stands for the whole file). */
export interface RecordOutcome {
  batchId: string;
  recordIndex: number;
  outcome: OutcomeKind;
  code: string | null;
  message: string | null;
  sourceId: string | null;
  eventId: string | null;
}

export interface OutcomeCounts {
  normalized: number;
  duplicate: number;
  rejected: number;
  lastAt: Date | null;
}

export interface RejectRow {
  record_index: number;
  code: string;
  message: string;
  source_id: string | null;
}

/** All SQL of batch_outcomes: one outcome per record of an upload, the batch report's source. */
@Injectable()
export class BatchOutcomeRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {}

  /**
   * Records outcomes in the normaliser's transaction `tx`. The first outcome of a record stands, except that a reject
   * is replaced once the record goes through (a redrive or replay after a fix).
   */
  async record(tx: Queryable, o: readonly RecordOutcome[]): Promise<void> {
    if (!o.length) return;
    await tx.query(
      `INSERT INTO batch_outcomes AS b (batch_id, record_index, outcome, code, message, source_id, event_id)
       SELECT DISTINCT ON (batch_id, record_index) * FROM jsonb_to_recordset($1::jsonb)
         AS t(batch_id uuid, record_index int, outcome text, code text, message text, source_id text, event_id uuid)
       ON CONFLICT (batch_id, record_index) DO UPDATE SET outcome = EXCLUDED.outcome, code = EXCLUDED.code,
         message = EXCLUDED.message, event_id = EXCLUDED.event_id, at = now()
       WHERE b.outcome = 'rejected' AND EXCLUDED.outcome <> 'rejected'`,
      [
        jsonRows(
          o.map((x) => ({
            batch_id: x.batchId,
            record_index: x.recordIndex,
            outcome: x.outcome,
            code: x.code,
            message: storableText(x.message),
            source_id: storableText(x.sourceId),
            event_id: x.eventId,
          })),
        ),
      ],
    );
  }

  /** The outcome of a file rejected as a whole (record index 0), in the transaction `tx` that records its batch. */
  async recordFileReject(tx: Queryable, batchId: string, code: string, message: string): Promise<void> {
    await tx.query(
      `INSERT INTO batch_outcomes (batch_id, record_index, outcome, code, message) VALUES ($1, 0, 'rejected', $2, $3)`,
      [batchId, code, message],
    );
  }

  async counts(batchId: string): Promise<OutcomeCounts> {
    const rows = await this.db.query<{ outcome: string; n: number; last_at: Date }[]>(
      `SELECT outcome, count(*)::int AS n, max(at) AS last_at FROM batch_outcomes
       WHERE batch_id = $1 AND record_index > 0 GROUP BY outcome`,
      [batchId],
    );
    const counts: OutcomeCounts = { normalized: 0, duplicate: 0, rejected: 0, lastAt: null };
    for (const r of rows) {
      if (r.outcome === 'normalized' || r.outcome === 'duplicate' || r.outcome === 'rejected') counts[r.outcome] = r.n;
      if (!counts.lastAt || r.last_at > counts.lastAt) counts.lastAt = r.last_at;
    }
    return counts;
  }

  async rejects(batchId: string, afterIndex: number, limit: number): Promise<RejectRow[]> {
    return this.db.query<RejectRow[]>(
      `SELECT record_index, code, message, source_id FROM batch_outcomes
       WHERE batch_id = $1 AND outcome = 'rejected' AND record_index > $2 ORDER BY record_index LIMIT $3`,
      [batchId, afterIndex, limit],
    );
  }
}
