import { Injectable } from '@nestjs/common';
import { parseRawRecord, type RawRecord } from '@ajx/contracts';
import { DataSource } from 'typeorm';

export interface DlqFilter {
  insurer?: string;
  batchId?: string;
  code?: string;
  since?: Date;
  until?: Date;
  status?: 'open' | 'resolved' | 'all';
  afterId?: string;
  limit: number;
}

export interface DlqEntry {
  id: string;
  insurer: string;
  batchId: string | null;
  recordIndex: number | null;
  sourceId: string | null;
  code: string;
  message: string;
  status: 'open' | 'resolved';
  attempts: number;
  rejectedAt: Date;
  resolvedAt: Date | null;
  resolvedEventId: string | null;
  source: { topic: string; partition: number; offset: string };
  acceptedAt: Date | null;
  /** The rejected message's value as it was. */
  /** null once the retention job or an erasure removed the raw bytes (docs/operations.md, "Personal data"). */
  rawValue: Buffer | null;
  /** The value read as a raw record, when it is one. */
  raw: RawRecord | null;
}

interface Row {
  id: string;
  insurer: string;
  batch_id: string | null;
  record_index: number | null;
  source_id: string | null;
  code: string;
  message: string;
  status: 'open' | 'resolved';
  attempts: number;
  rejected_at: Date;
  resolved_at: Date | null;
  resolved_event_id: string | null;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  accepted_at: Date | null;
  raw_value: Buffer | null;
}

function rawRecordOrNull(value: Buffer | null): RawRecord | null {
  if (value === null) return null;
  try {
    return parseRawRecord(value);
  } catch {
    return null;
  }
}

/** The DLQ as queryable state: what was rejected, why, and whether a redrive resolved it. */
@Injectable()
export class DlqRepository {
  constructor(private readonly db: DataSource) {}

  async list(f: DlqFilter): Promise<DlqEntry[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM dlq_entries
       WHERE ($1::text IS NULL OR insurer = $1) AND ($2::uuid IS NULL OR batch_id = $2) AND ($3::text IS NULL OR code = $3)
         AND ($4::timestamptz IS NULL OR rejected_at >= $4) AND ($5::timestamptz IS NULL OR rejected_at <= $5)
         AND ($6::text = 'all' OR status = $6) AND ($7::bigint IS NULL OR id > $7)
       ORDER BY id LIMIT $8`,
      [
        f.insurer ?? null,
        f.batchId ?? null,
        f.code ?? null,
        f.since ?? null,
        f.until ?? null,
        f.status ?? 'open',
        f.afterId ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => ({
      id: String(r.id),
      insurer: r.insurer,
      batchId: r.batch_id,
      recordIndex: r.record_index,
      sourceId: r.source_id,
      code: r.code,
      message: r.message,
      status: r.status,
      attempts: r.attempts,
      rejectedAt: r.rejected_at,
      resolvedAt: r.resolved_at,
      resolvedEventId: r.resolved_event_id,
      source: { topic: r.source_topic, partition: r.source_partition, offset: String(r.source_offset) },
      acceptedAt: r.accepted_at,
      rawValue: r.raw_value,
      raw: rawRecordOrNull(r.raw_value),
    }));
  }
}
