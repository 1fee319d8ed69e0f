import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One erasure request carried out: what was erased where (counts per store), never the erased values. */
export interface ErasureRecord {
  id: string;
  uscc: string;
  reason: string;
  requestedBy: string;
  erasedAt: Date;
  counts: Record<string, number>;
}

interface ErasureRow {
  id: string;
  uscc: string;
  reason: string;
  requested_by: string;
  erased_at: Date;
  counts: Record<string, number>;
}

/**
 * The erasure ledger (`privacy_erasures`, PIPL): a tombstone per erasure request of an enterprise's personal data
 * (docs/operations.md, "Personal data"). Kept beside the canonical store whose records the requests name.
 */
@Injectable()
export class ErasureLedgerRepository {
  constructor(private readonly db: DataSource) {}

  async record(e: Omit<ErasureRecord, 'id' | 'erasedAt'>): Promise<ErasureRecord> {
    const [r] = await this.db.query<{ id: string; erased_at: Date }[]>(
      `INSERT INTO privacy_erasures (uscc, reason, requested_by, counts) VALUES ($1, $2, $3, $4)
       RETURNING id::text, erased_at`,
      [e.uscc, e.reason, e.requestedBy, JSON.stringify(e.counts)],
    );
    return { ...e, id: r.id, erasedAt: r.erased_at };
  }

  /** The erasures carried out, oldest first (of one enterprise when `uscc` is given). */
  async list(uscc?: string): Promise<ErasureRecord[]> {
    const rows = await this.db.query<ErasureRow[]>(
      `SELECT id::text, uscc, reason, requested_by, erased_at, counts FROM privacy_erasures
        WHERE $1::text IS NULL OR uscc = $1 ORDER BY id`,
      [uscc ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      uscc: r.uscc,
      reason: r.reason,
      requestedBy: r.requested_by,
      erasedAt: r.erased_at,
      counts: r.counts,
    }));
  }
}
