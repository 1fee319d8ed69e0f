import { Inject, Injectable } from '@nestjs/common';
import { parseRawRecord, type RawRecord } from '@ajx/contracts';
import { type Queryable, storableText } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import type { DlqEntryInput } from './canonical-store.types';

export interface DlqFilter {
  /** One entry only (the console's redrive of one entry). */
  id?: string;
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

const UNNEST = `unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bytea[],
  $8::text[], $9::int[], $10::bigint[], $11::timestamptz[])
  AS t(insurer, batch_id, record_index, source_id, code, message, raw_value, source_topic, source_partition,
    source_offset, accepted_at)`;

function params(d: readonly DlqEntryInput[]): unknown[] {
  return [
    d.map((x) => x.insurer),
    d.map((x) => x.batchId),
    d.map((x) => x.recordIndex),
    d.map((x) => storableText(x.sourceId)),
    d.map((x) => x.code),
    d.map((x) => storableText(x.message)),
    d.map((x) => x.rawValue ?? Buffer.alloc(0)),
    d.map((x) => x.sourceTopic),
    d.map((x) => x.sourcePartition),
    d.map((x) => x.sourceOffset),
    d.map((x) => x.acceptedAt),
  ];
}

/** The DLQ as queryable state: what was rejected, why, and whether a redrive resolved it. All SQL of dlq_entries. */
@Injectable()
export class DlqRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {}

  /**
   * Records rejects in the normaliser's transaction `tx`. A record of an upload has one entry: a copy at another
   * offset (a chunk the gateway re-sent after a crash between Kafka's ack and its progress record) is the same reject,
   * not a second one — whether the copy comes later, in the same slice as the original (a backlog after an outage),
   * or to another normaliser instance at the same time (a rebalance while the first one's transaction was still
   * committing). The unique index on (batch_id, record_index) makes the later writer wait for the earlier one and
   * then leave its row alone; the same offset delivered again counts one more attempt.
   */
  async record(tx: Queryable, d: readonly DlqEntryInput[]): Promise<void> {
    if (!d.length) return;
    const inUpload = d.filter((x) => x.batchId !== null && x.recordIndex !== null);
    const other = d.filter((x) => x.batchId === null || x.recordIndex === null);
    if (inUpload.length) {
      await tx.query(
        `INSERT INTO dlq_entries (insurer, batch_id, record_index, source_id, code, message, raw_value,
           source_topic, source_partition, source_offset, accepted_at)
         SELECT DISTINCT ON (batch_id, record_index) * FROM ${UNNEST}
         ORDER BY batch_id, record_index, source_topic, source_partition, source_offset
         ON CONFLICT (batch_id, record_index) WHERE batch_id IS NOT NULL AND record_index IS NOT NULL
         DO UPDATE SET code = EXCLUDED.code, message = EXCLUDED.message, attempts = dlq_entries.attempts + 1,
           rejected_at = now()
         WHERE dlq_entries.status = 'open'
           AND (dlq_entries.source_topic, dlq_entries.source_partition, dlq_entries.source_offset)
             = (EXCLUDED.source_topic, EXCLUDED.source_partition, EXCLUDED.source_offset)`,
        params(inUpload),
      );
    }
    if (other.length) {
      await tx.query(
        `INSERT INTO dlq_entries (insurer, batch_id, record_index, source_id, code, message, raw_value,
           source_topic, source_partition, source_offset, accepted_at)
         SELECT * FROM ${UNNEST}
         ON CONFLICT (source_topic, source_partition, source_offset) DO UPDATE SET code = EXCLUDED.code,
           message = EXCLUDED.message, attempts = dlq_entries.attempts + 1, rejected_at = now()
         WHERE dlq_entries.status = 'open'`,
        params(other),
      );
    }
  }

  /** Resolves the open entries of records that now have an event, in the normaliser's transaction `tx`. */
  async resolve(tx: Queryable, resolved: readonly { batchId: string; recordIndex: number; eventId: string }[]) {
    if (!resolved.length) return;
    await tx.query(
      `UPDATE dlq_entries d SET status = 'resolved', resolved_at = now(), resolved_event_id = r.event_id
       FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS r(batch_id, record_index, event_id)
       WHERE d.batch_id = r.batch_id AND d.record_index = r.record_index AND d.status = 'open'`,
      [resolved.map((r) => r.batchId), resolved.map((r) => r.recordIndex), resolved.map((r) => r.eventId)],
    );
  }

  async list(f: DlqFilter): Promise<DlqEntry[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM dlq_entries
       WHERE ($1::text IS NULL OR insurer = $1) AND ($2::uuid IS NULL OR batch_id = $2) AND ($3::text IS NULL OR code = $3)
         AND ($4::timestamptz IS NULL OR rejected_at >= $4) AND ($5::timestamptz IS NULL OR rejected_at <= $5)
         AND ($6::text = 'all' OR status = $6) AND ($7::bigint IS NULL OR id > $7)
         AND ($9::bigint IS NULL OR id = $9)
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
        f.id ?? null,
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
