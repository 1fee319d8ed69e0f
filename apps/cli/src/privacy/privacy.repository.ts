import type { DataSource } from 'typeorm';

export interface ErasureRecord {
  id: string;
  uscc: string;
  reason: string;
  requestedBy: string;
  erasedAt: Date;
  counts: Record<string, number>;
}

/**
 * The erasure ledger (`privacy_erasures`: one tombstone per request, never the erased values) and the retention marks
 * on stored uploads (`ingest_batches.upload_purged_at`; the gateway owns the rest of that table).
 */
export class PrivacyRepository {
  constructor(private readonly db: DataSource) {}

  async recordErasure(e: Omit<ErasureRecord, 'id' | 'erasedAt'>): Promise<ErasureRecord> {
    const [r] = await this.db.query<{ id: string; erased_at: Date }[]>(
      `INSERT INTO privacy_erasures (uscc, reason, requested_by, counts) VALUES ($1, $2, $3, $4)
       RETURNING id::text, erased_at`,
      [e.uscc, e.reason, e.requestedBy, JSON.stringify(e.counts)],
    );
    return { ...e, id: r.id, erasedAt: r.erased_at };
  }

  async erasures(uscc?: string): Promise<ErasureRecord[]> {
    const rows = await this.db.query<
      {
        id: string;
        uscc: string;
        reason: string;
        requested_by: string;
        erased_at: Date;
        counts: Record<string, number>;
      }[]
    >(
      `SELECT id::text, uscc, reason, requested_by, erased_at, counts FROM privacy_erasures
        WHERE $1::text IS NULL OR uscc = $1 ORDER BY id`,
      [uscc ?? null],
    );
    return rows.map((r) => ({ id: r.id, uscc: r.uscc, reason: r.reason, requestedBy: r.requested_by, erasedAt: r.erased_at, counts: r.counts })); // prettier-ignore
  }

  /** Stored uploads of finished batches published (or refused) before `cutoff`, or of the given batches, not purged yet. */
  async uploadsToPurge(f: { before?: Date; batchIds?: string[] }): Promise<{ batchId: string; path: string }[]> {
    const rows = await this.db.query<{ batch_id: string; upload_path: string }[]>(
      `SELECT batch_id, upload_path FROM ingest_batches
        WHERE upload_purged_at IS NULL AND status IN ('published', 'rejected')
          AND ($1::timestamptz IS NULL OR coalesce(published_at, accepted_at) < $1)
          AND ($2::uuid[] IS NULL OR batch_id = ANY ($2::uuid[]))
        ORDER BY accepted_at`,
      [f.before ?? null, f.batchIds ?? null],
    );
    return rows.map((r) => ({ batchId: r.batch_id, path: r.upload_path }));
  }

  async markUploadPurged(batchId: string): Promise<void> {
    await this.db.query(`UPDATE ingest_batches SET upload_purged_at = now() WHERE batch_id = $1`, [batchId]);
  }

  /** Audit entries older than `cutoff` (kept: reported only). */
  async auditEntriesBefore(cutoff: Date): Promise<number> {
    const [r] = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_entries WHERE at < $1`, [
      cutoff,
    ]);
    return r.n;
  }
}
