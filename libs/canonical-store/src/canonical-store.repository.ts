import { jsonRows, returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  beijingDate,
  type ExistingEvent,
  storableText,
  type StoredEvent,
  type StoreWrite,
} from './canonical-store.types';

/**
 * All SQL of the canonical store. Sequence numbers are taken from the `canonical` stream counter as the last step
 * of the writing transaction: the row lock serialises that step, so sequence numbers become visible in commit
 * order and a reader of `seq > cursor` never skips an event that commits late.
 */
@Injectable()
export class CanonicalStoreRepository {
  constructor(private readonly db: DataSource) {}

  async existing(eventIds: readonly string[]): Promise<Map<string, ExistingEvent>> {
    const out = new Map<string, ExistingEvent>();
    if (eventIds.length === 0) return out;
    const rows = await this.db.query<{ event_id: string; content_hash: Buffer; revision: number }[]>(
      `SELECT event_id, content_hash, revision FROM canonical_events WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    for (const r of rows)
      out.set(r.event_id, { eventId: r.event_id, contentHash: r.content_hash, revision: r.revision });
    return out;
  }

  async write(w: StoreWrite): Promise<void> {
    if (!w.inserts.length && !w.corrections.length && !w.outcomes.length && !w.dlq.length) return;
    await this.db.transaction(async (tx) => {
      await this.writeOutcomes(tx, w);
      await this.writeDlq(tx, w);
      const changed = w.inserts.length + w.corrections.length;
      if (changed === 0) return;
      await this.upsertRecords(tx, [...w.inserts, ...w.corrections]);
      // Last: the counter row lock is held from here to the commit only.
      const [{ last_seq }] = await returningRows<{ last_seq: string }>(
        tx,
        `UPDATE stream_counters SET last_seq = last_seq + $1 WHERE stream = 'canonical' RETURNING last_seq`,
        [changed],
      );
      let seq = BigInt(last_seq) - BigInt(changed);
      const next = () => (++seq).toString();
      const insertSeqs = w.inserts.map(next);
      const correctionSeqs = w.corrections.map(next);
      if (w.inserts.length) await this.insertEvents(tx, w.inserts, insertSeqs);
      if (w.corrections.length) await this.applyCorrections(tx, w.corrections, correctionSeqs);
    });
  }

  private async insertEvents(tx: EntityManager, events: StoredEvent[], seqs: string[]): Promise<void> {
    await tx.query(
      `INSERT INTO canonical_events (event_id, seq, insurer, kind, subject, version, type, uscc, region, sector,
         business_time, data, content_hash, accepted_at, accepted_date, batch_id, record_index)
       SELECT event_id, seq, insurer, kind, subject, version, type, uscc, region, sector, business_time, data,
              decode(content_hash, 'hex'), accepted_at, accepted_date, batch_id, record_index
       FROM jsonb_to_recordset($1::jsonb) AS t(event_id uuid, seq bigint, insurer text, kind text, subject text,
         version int, type text, uscc text, region text, sector text, business_time text, data jsonb,
         content_hash text, accepted_at timestamptz, accepted_date date, batch_id uuid, record_index int)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        jsonRows(
          events.map((e, i) => ({
            event_id: e.eventId,
            seq: seqs[i],
            insurer: e.insurer,
            kind: e.kind,
            subject: e.subject,
            version: e.version,
            type: e.type,
            uscc: e.uscc,
            region: e.region,
            sector: e.sector,
            business_time: e.businessTime,
            data: e.data,
            content_hash: e.contentHash.toString('hex'),
            accepted_at: e.acceptedAt,
            accepted_date: beijingDate(e.acceptedAt),
            batch_id: e.batchId,
            record_index: e.recordIndex,
          })),
        ),
      ],
    );
  }

  private async applyCorrections(
    tx: EntityManager,
    corrections: StoreWrite['corrections'],
    seqs: string[],
  ): Promise<void> {
    for (let i = 0; i < corrections.length; i++) {
      const c = corrections[i];
      const rows = await returningRows<{ revision: number; previous_data: unknown }>(
        tx,
        `WITH old AS (SELECT data, revision FROM canonical_events WHERE event_id = $1 AND content_hash = $5 FOR UPDATE)
         UPDATE canonical_events e SET data = $2, content_hash = $3, seq = $4, revision = e.revision + 1,
           type = $6, business_time = $7, uscc = $8, region = $9, sector = $10
         FROM old WHERE e.event_id = $1
         RETURNING e.revision, old.data AS previous_data`,
        [
          c.eventId,
          JSON.stringify(c.data),
          c.contentHash,
          seqs[i],
          c.previousHash,
          c.type,
          c.businessTime,
          c.uscc,
          c.region,
          c.sector,
        ],
      );
      if (!rows.length) continue; // corrected concurrently: the other writer's content stands
      await tx.query(
        `INSERT INTO canonical_corrections (event_id, revision, previous_hash, content_hash, previous_data, replay_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [c.eventId, rows[0].revision, c.previousHash, c.contentHash, JSON.stringify(rows[0].previous_data), c.replayId],
      );
    }
  }

  /** Latest state per record: a newer version replaces; the same version is replaced only by its correction. */
  private async upsertRecords(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    await tx.query(
      `INSERT INTO canonical_records AS r (insurer, kind, subject, version, event_id, uscc, region, sector)
       SELECT DISTINCT ON (insurer, kind, subject) insurer, kind, subject, version, event_id, uscc, region, sector
       FROM jsonb_to_recordset($1::jsonb) AS t(i int, insurer text, kind text, subject text, version int, event_id uuid,
         uscc text, region text, sector text)
       ORDER BY insurer, kind, subject, version DESC, i DESC
       ON CONFLICT (insurer, kind, subject) DO UPDATE SET version = EXCLUDED.version, event_id = EXCLUDED.event_id,
         uscc = EXCLUDED.uscc, region = EXCLUDED.region, sector = EXCLUDED.sector
       WHERE r.version < EXCLUDED.version OR (r.version = EXCLUDED.version AND r.event_id = EXCLUDED.event_id)`,
      [
        jsonRows(
          events.map((e, i) => ({
            i,
            insurer: e.insurer,
            kind: e.kind,
            subject: e.subject,
            version: e.version,
            event_id: e.eventId,
            uscc: e.uscc,
            region: e.region,
            sector: e.sector,
          })),
        ),
      ],
    );
  }

  private async writeOutcomes(tx: EntityManager, w: StoreWrite): Promise<void> {
    if (!w.outcomes.length) return;
    const o = w.outcomes;
    // The first outcome of a record stands, except that a reject is replaced once the record goes through
    // (a redrive or replay after a fix).
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

  private async writeDlq(tx: EntityManager, w: StoreWrite): Promise<void> {
    if (w.dlq.length) {
      const d = w.dlq;
      // A record of an upload has one entry: a copy at another offset (a chunk the gateway re-sent after a crash
      // between Kafka's ack and its progress record) is the same reject, not a second one.
      await tx.query(
        `INSERT INTO dlq_entries (insurer, batch_id, record_index, source_id, code, message, raw_value,
           source_topic, source_partition, source_offset, accepted_at)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bytea[],
           $8::text[], $9::int[], $10::bigint[], $11::timestamptz[])
           AS t(insurer, batch_id, record_index, source_id, code, message, raw_value, source_topic, source_partition,
             source_offset, accepted_at)
         WHERE t.batch_id IS NULL OR t.record_index IS NULL OR NOT EXISTS (
           SELECT 1 FROM dlq_entries e WHERE e.batch_id = t.batch_id AND e.record_index = t.record_index
             AND (e.source_topic, e.source_partition, e.source_offset)
               IS DISTINCT FROM (t.source_topic, t.source_partition, t.source_offset))
         ON CONFLICT (source_topic, source_partition, source_offset) DO UPDATE SET code = EXCLUDED.code,
           message = EXCLUDED.message, attempts = dlq_entries.attempts + 1, rejected_at = now()
         WHERE dlq_entries.status = 'open'`,
        [
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
        ],
      );
    }
    if (w.resolved.length) {
      await tx.query(
        `UPDATE dlq_entries d SET status = 'resolved', resolved_at = now(), resolved_event_id = r.event_id
         FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS r(batch_id, record_index, event_id)
         WHERE d.batch_id = r.batch_id AND d.record_index = r.record_index AND d.status = 'open'`,
        [w.resolved.map((r) => r.batchId), w.resolved.map((r) => r.recordIndex), w.resolved.map((r) => r.eventId)],
      );
    }
  }
}
