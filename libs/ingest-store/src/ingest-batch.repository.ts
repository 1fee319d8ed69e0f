import { jsonRows, type Queryable, returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BatchOutcomeRepository } from './batch-outcome.repository';

export type BatchStatus = 'accepted' | 'published' | 'rejected';

export interface BatchRow {
  batch_id: string;
  insurer: string;
  content_sha256: Buffer;
  bytes: string;
  content_type: string;
  filename: string | null;
  upload_path: string;
  status: BatchStatus;
  records: number;
  published: number;
  reject_code: string | null;
  reject_message: string | null;
  accepted_at: Date;
  published_at: Date | null;
}

/** An insurer adapter's file, as announced on its records (the insurer is the raw topic's, never the message's). */
export interface AnnouncedBatch {
  batchId: string;
  insurer: string;
  sha256: string;
  bytes: number;
  file: string;
  records: number;
  acceptedAt: Date;
}

/**
 * Registers insurer adapters' batches from their announcements, in the normaliser's transaction `tx` (published
 * as a whole: the adapter publishes a file before the normaliser could see its last record). Idempotent; a batch id
 * or content already registered (an upload of the same file) is left as it is.
 */
export async function registerAnnouncedBatches(tx: Queryable, batches: readonly AnnouncedBatch[]): Promise<void> {
  if (!batches.length) return;
  // An insurer that is not a registered principal (the foreign key) gets no report; its records are still processed.
  await tx.query(`SAVEPOINT announced_batches`);
  try {
    await insertAnnounced(tx, batches);
    await tx.query(`RELEASE SAVEPOINT announced_batches`);
  } catch (err) {
    if ((err as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw err;
    await tx.query(`ROLLBACK TO SAVEPOINT announced_batches`);
  }
}

const FOREIGN_KEY_VIOLATION = '23503';

async function insertAnnounced(tx: Queryable, batches: readonly AnnouncedBatch[]): Promise<void> {
  await tx.query(
    `INSERT INTO ingest_batches (batch_id, insurer, content_sha256, bytes, content_type, filename, upload_path, status,
       records, published, accepted_at, published_at, source)
     SELECT b.batch_id, b.insurer, decode(b.sha256, 'hex'), b.bytes, 'application/octet-stream', b.filename, '',
            'published', b.records, b.records, b.accepted_at, now(), 'adapter'
       FROM jsonb_to_recordset($1::jsonb) AS b(batch_id uuid, insurer text, sha256 text, bytes bigint, filename text,
            records int, accepted_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [
      jsonRows(
        batches.map((b) => ({
          batch_id: b.batchId,
          insurer: b.insurer,
          sha256: b.sha256,
          bytes: b.bytes,
          filename: b.file,
          records: b.records,
          accepted_at: b.acceptedAt.toISOString(),
        })),
      ),
    ],
  );
}

const UNIQUE_VIOLATION = '23505';

/** All SQL of ingest_batches: uploads (the stored file, publishing progress and lease). */
@Injectable()
export class IngestBatchRepository {
  private readonly outcomes: BatchOutcomeRepository;

  constructor(private readonly db: DataSource) {
    this.outcomes = new BatchOutcomeRepository(db);
  }

  async findBySha(insurer: string, sha256: Buffer): Promise<BatchRow | null> {
    const rows = await this.db.query<BatchRow[]>(
      `SELECT * FROM ingest_batches WHERE insurer = $1 AND content_sha256 = $2`,
      [insurer, sha256],
    );
    return rows[0] ?? null;
  }

  async find(batchId: string): Promise<BatchRow | null> {
    const rows = await this.db.query<BatchRow[]>(`SELECT * FROM ingest_batches WHERE batch_id = $1`, [batchId]);
    return rows[0] ?? null;
  }

  /** Inserts a batch; returns false when the same file of the same insurer was recorded meanwhile. */
  async insert(b: {
    batchId: string;
    insurer: string;
    sha256: Buffer;
    bytes: number;
    contentType: string;
    filename: string | null;
    uploadPath: string;
    status: BatchStatus;
    records: number;
    reject?: { code: string; message: string };
    credentialId: string | null;
    requestId: string | null;
  }): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ingest_batches (batch_id, insurer, content_sha256, bytes, content_type, filename, upload_path,
             status, records, reject_code, reject_message, credential_id, request_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            b.batchId,
            b.insurer,
            b.sha256,
            b.bytes,
            b.contentType,
            b.filename,
            b.uploadPath,
            b.status,
            b.records,
            b.reject?.code ?? null,
            b.reject?.message ?? null,
            b.credentialId,
            b.requestId,
          ],
        );
        if (b.reject) await this.outcomes.recordFileReject(tx, b.batchId, b.reject.code, b.reject.message);
      });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }

  /** Takes (or takes over an expired) publishing lease on the oldest batch not yet published. */
  async leaseNextUnpublished(leaseMs: number): Promise<BatchRow | null> {
    const rows = await returningRows<BatchRow>(
      this.db,
      `UPDATE ingest_batches SET publish_lease_until = now() + $1 * interval '1 millisecond'
       WHERE batch_id = (
         SELECT batch_id FROM ingest_batches
         WHERE status = 'accepted' AND (publish_lease_until IS NULL OR publish_lease_until < now())
         ORDER BY accepted_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [leaseMs],
    );
    return rows[0] ?? null;
  }

  /** Records publishing progress and extends the lease; false when the lease was lost to another instance. */
  async progress(batchId: string, published: number, leaseMs: number): Promise<boolean> {
    const rows = await returningRows<unknown>(
      this.db,
      `UPDATE ingest_batches SET published = $2, publish_lease_until = now() + $3 * interval '1 millisecond'
       WHERE batch_id = $1 AND status = 'accepted' AND publish_lease_until > now() RETURNING batch_id`,
      [batchId, published, leaseMs],
    );
    return rows.length > 0;
  }

  /**
   * Stored uploads of finished batches (published or refused) before `before`, or of the given batches, whose file
   * was not purged yet (retention and erasure of personal data, docs/operations.md).
   */
  async uploadsToPurge(f: { before?: Date; batchIds?: string[] }): Promise<{ batchId: string; path: string }[]> {
    const rows = await this.db.query<{ batch_id: string; upload_path: string }[]>(
      `SELECT batch_id, upload_path FROM ingest_batches
        WHERE upload_purged_at IS NULL AND status IN ('published', 'rejected') AND source = 'gateway'
          AND ($1::timestamptz IS NULL OR coalesce(published_at, accepted_at) < $1)
          AND ($2::uuid[] IS NULL OR batch_id = ANY ($2::uuid[]))
        ORDER BY accepted_at`,
      [f.before ?? null, f.batchIds ?? null],
    );
    return rows.map((r) => ({ batchId: r.batch_id, path: r.upload_path }));
  }

  /** Marks a batch's stored upload as removed (the batch and its outcomes stay). */
  async markUploadPurged(batchId: string): Promise<void> {
    await this.db.query(`UPDATE ingest_batches SET upload_purged_at = now() WHERE batch_id = $1`, [batchId]);
  }

  /**
   * Uploads still to publish as of `at` (accepted, or published since), whose stored file is kept: `ajx backup`
   * copies them, since the gateway publishes them again after a restore of a snapshot taken at `at`.
   */
  async uploadsUnpublishedAt(at: Date): Promise<{ batchId: string; path: string }[]> {
    const rows = await this.db.query<{ batch_id: string; upload_path: string }[]>(
      `SELECT batch_id, upload_path FROM ingest_batches
        WHERE upload_purged_at IS NULL AND source = 'gateway' AND (status = 'accepted' OR published_at >= $1)`,
      [at],
    );
    return rows.map((r) => ({ batchId: r.batch_id, path: r.upload_path }));
  }

  /** See {@link registerAnnouncedBatches}. */
  registerAnnounced(tx: Queryable, batches: readonly AnnouncedBatch[]): Promise<void> {
    return registerAnnouncedBatches(tx, batches);
  }

  async markPublished(batchId: string, published: number): Promise<void> {
    await this.db.query(
      `UPDATE ingest_batches SET status = 'published', published = $2, published_at = now(), publish_lease_until = NULL
       WHERE batch_id = $1 AND status = 'accepted'`,
      [batchId, published],
    );
  }
}
