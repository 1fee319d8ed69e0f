import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface UploadSessionRow {
  upload_id: string;
  insurer: string;
  created_by: string;
  size: string;
  sha256: Buffer;
  content_type: string;
  filename: string | null;
  received: string;
  status: 'open' | 'completing' | 'completed';
  batch_id: string | null;
  created_at: Date;
  expires_at: Date;
}

/** All SQL of upload_sessions: resumable uploads. */
@Injectable()
export class UploadSessionRepository {
  constructor(private readonly db: DataSource) {}

  async insert(s: {
    uploadId: string;
    insurer: string;
    createdBy: string;
    size: number;
    sha256: Buffer;
    contentType: string;
    filename: string | null;
    ttlHours: number;
  }): Promise<UploadSessionRow> {
    const [row] = await returningRows<UploadSessionRow>(
      this.db,
      `INSERT INTO upload_sessions (upload_id, insurer, created_by, size, sha256, content_type, filename, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(hours => $8))
       RETURNING *`,
      [s.uploadId, s.insurer, s.createdBy, s.size, s.sha256, s.contentType, s.filename, s.ttlHours],
    );
    return row;
  }

  async find(uploadId: string): Promise<UploadSessionRow | null> {
    const rows = await this.db.query<UploadSessionRow[]>(`SELECT * FROM upload_sessions WHERE upload_id = $1`, [
      uploadId,
    ]);
    return rows[0] ?? null;
  }

  /** Moves the received offset from `from` to `to`; false when another request moved it first. */
  async advance(uploadId: string, from: number, to: number): Promise<boolean> {
    const rows = await returningRows<{ upload_id: string }>(
      this.db,
      `UPDATE upload_sessions SET received = $3, updated_at = now()
        WHERE upload_id = $1 AND received = $2 AND status = 'open' RETURNING upload_id`,
      [uploadId, from, to],
    );
    return rows.length === 1;
  }

  /** Takes the session for completion (one request only); false when it is not open and whole. */
  async beginCompletion(uploadId: string): Promise<boolean> {
    const rows = await returningRows<{ upload_id: string }>(
      this.db,
      `UPDATE upload_sessions SET status = 'completing', updated_at = now()
        WHERE upload_id = $1 AND status = 'open' AND received = size RETURNING upload_id`,
      [uploadId],
    );
    return rows.length === 1;
  }

  /** Back to open after a failed completion; `resetTo` rewinds the received offset (a checksum mismatch). */
  async reopen(uploadId: string, resetTo?: number): Promise<void> {
    await this.db.query(
      `UPDATE upload_sessions SET status = 'open', received = COALESCE($2, received), updated_at = now()
        WHERE upload_id = $1 AND status = 'completing'`,
      [uploadId, resetTo ?? null],
    );
  }

  async complete(uploadId: string, batchId: string): Promise<void> {
    await this.db.query(
      `UPDATE upload_sessions SET status = 'completed', batch_id = $2, updated_at = now() WHERE upload_id = $1`,
      [uploadId, batchId],
    );
  }

  /**
   * Purges expired open sessions one at a time: `purge` removes the session's bytes and the row is marked purged in
   * the same transaction (row locked, SKIP LOCKED: several gateways share the work). Returns the ids purged.
   */
  async purgeExpired(limit: number, purge: (uploadId: string) => Promise<void>): Promise<string[]> {
    const done: string[] = [];
    for (let i = 0; i < limit; i++) {
      const id = await this.db.transaction(async (tx) => {
        const [row] = await tx.query<{ upload_id: string }[]>(
          `SELECT upload_id FROM upload_sessions WHERE status = 'open' AND purged_at IS NULL AND expires_at < now()
           ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!row) return null;
        await purge(row.upload_id);
        await tx.query(`UPDATE upload_sessions SET purged_at = now(), received = 0 WHERE upload_id = $1`, [
          row.upload_id,
        ]);
        return row.upload_id;
      });
      if (!id) break;
      done.push(id);
    }
    return done;
  }
}
