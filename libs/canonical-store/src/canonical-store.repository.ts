import { BatchOutcomeRepository, registerAnnouncedBatches } from '@ajx/ingest-store';
import { jsonRows, returningRows, type TransactionalQueryable } from '@ajx/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  beijingDate,
  type DayCell,
  type ExistingEvent,
  type LatestRecordsFilter,
  type StoredCanonicalEvent,
  type StoredEvent,
  type StoreWrite,
} from './canonical-store.types';
import { DlqRepository } from './dlq.repository';

/** The columns of a canonical event as every reader gets it (one row shape: {@link StoredCanonicalEvent}). */
type EventRow = Pick<
  StoredCanonicalEvent,
  'revision' | 'insurer' | 'kind' | 'subject' | 'version' | 'type' | 'uscc' | 'region' | 'sector' | 'data'
> & { seq: string; accepted_date: string; accepted_at: Date; event_id: string; business_time: string };

const EVENT_COLUMNS = (e: string) =>
  `${e}.seq, ${e}.accepted_date::text AS accepted_date, ${e}.accepted_at, ${e}.revision, ${e}.event_id, ${e}.insurer,
   ${e}.kind, ${e}.subject, ${e}.version, ${e}.type, ${e}.uscc, ${e}.region, ${e}.sector, ${e}.business_time, ${e}.data`;

function storedOf(r: EventRow): StoredCanonicalEvent {
  return {
    seq: Number(r.seq),
    acceptedDate: r.accepted_date,
    acceptedAt: r.accepted_at,
    revision: r.revision,
    eventId: r.event_id,
    insurer: r.insurer,
    kind: r.kind,
    subject: r.subject,
    version: r.version,
    type: r.type,
    uscc: r.uscc,
    region: r.region,
    sector: r.sector,
    businessTime: r.business_time,
    data: r.data,
  };
}

/**
 * All SQL of the canonical store (canonical_events, canonical_records, canonical_corrections and the canonical
 * stream counter): the normaliser's writes and every read of it. Sequence numbers are taken from the `canonical`
 * stream counter as the last step of the writing transaction: the row lock serialises that step, so sequence numbers
 * become visible in commit order and a reader of `seq > cursor` never skips an event that commits late (ADR 0004).
 * A correction moves an event to a new, higher `seq` with `revision > 0`, so reading after a watermark delivers it
 * again as a correction.
 *
 * `db` is the service's pool, or a dedicated connection (the interchange reads on the one holding an endpoint's lock).
 */
@Injectable()
export class CanonicalStoreRepository {
  private readonly outcomes: BatchOutcomeRepository;
  private readonly dlq: DlqRepository;

  constructor(@Inject(DataSource) private readonly db: TransactionalQueryable) {
    this.outcomes = new BatchOutcomeRepository(db);
    this.dlq = new DlqRepository(db);
  }

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

  /**
   * Which of these events the store holds: an index probe per id (`CROSS JOIN LATERAL (… OFFSET 0)`, ADR 0011), so a
   * page of thousands is never planned as a scan of the store on stale statistics.
   */
  async storedEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.db.query<{ event_id: string }[]>(
      `SELECT e.event_id FROM unnest($1::uuid[]) AS k(event_id)
       CROSS JOIN LATERAL (SELECT event_id FROM canonical_events e WHERE e.event_id = k.event_id OFFSET 0) e`,
      [eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  async write(w: StoreWrite): Promise<void> {
    if (!w.inserts.length && !w.corrections.length && !w.outcomes.length && !w.dlq.length) return;
    await this.db.transaction(async (tx) => {
      await registerAnnouncedBatches(tx, w.batches ?? []);
      await this.outcomes.record(tx, w.outcomes);
      await this.dlq.record(tx, w.dlq);
      await this.dlq.resolve(tx, w.resolved);
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

  /** Up to `limit` events of the province after `afterSeq` (and at most `uptoSeq`), in seq order. */
  async provinceEventsAfter(
    province: string,
    afterSeq: number,
    limit: number,
    uptoSeq?: number | null,
    kinds: readonly string[] | null = null,
  ): Promise<StoredCanonicalEvent[]> {
    const rows = await this.db.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS('e')} FROM canonical_events e
       WHERE substr(e.region, 1, 2) = $1 AND e.seq > $2 AND ($3::bigint IS NULL OR e.seq <= $3)
         AND ($5::text[] IS NULL OR e.kind = ANY($5::text[]))
       ORDER BY substr(e.region, 1, 2), e.seq LIMIT $4`,
      [province, afterSeq, uptoSeq ?? null, limit, kinds],
    );
    return rows.map(storedOf);
  }

  /** How many events of the province come after `afterSeq`, counted up to `cap` (index `canonical_events_province_seq`). */
  async provinceCountAfter(
    province: string,
    afterSeq: number,
    cap: number,
    kinds: readonly string[] | null = null,
  ): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM canonical_events e WHERE substr(e.region, 1, 2) = $1 AND e.seq > $2
           AND ($4::text[] IS NULL OR e.kind = ANY($4::text[]))
         ORDER BY substr(e.region, 1, 2), e.seq LIMIT $3) t`,
      [province, afterSeq, cap, kinds],
    );
    return row.n;
  }

  /** Up to `limit` events of the province accepted on `date`, after `afterSeq` and at most `uptoSeq`. */
  async provinceDayEvents(
    province: string,
    date: string,
    afterSeq: number,
    uptoSeq: number,
    limit: number,
    kinds: readonly string[] | null = null,
  ): Promise<StoredCanonicalEvent[]> {
    const rows = await this.db.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS('e')} FROM canonical_events e
       WHERE e.accepted_date = $2::date AND substr(e.region, 1, 2) = $1 AND e.seq > $3 AND e.seq <= $4
         AND ($6::text[] IS NULL OR e.kind = ANY($6::text[]))
       ORDER BY e.accepted_date, e.seq LIMIT $5`,
      [province, date, afterSeq, uptoSeq, limit, kinds],
    );
    return rows.map(storedOf);
  }

  /**
   * The province's cells of a day: per insurer × kind the number of event ids and the digest of them (ids sorted
   * bytewise — collation "C" — joined with newlines, SHA-256). Event ids are unique in the store.
   */
  async provinceDayCells(province: string, date: string, kinds: readonly string[] | null = null): Promise<DayCell[]> {
    return this.db.query<DayCell[]>(
      `SELECT insurer, kind, count(*)::int AS count,
              encode(sha256(convert_to(string_agg(event_id::text, E'\\n' ORDER BY event_id::text COLLATE "C"), 'UTF8')),
                     'hex') AS digest
       FROM canonical_events WHERE accepted_date = $2::date AND substr(region, 1, 2) = $1
         AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
       GROUP BY insurer, kind ORDER BY insurer COLLATE "C", kind COLLATE "C"`,
      [province, date, kinds],
    );
  }

  /** The highest seq of the province's events of `date` (0 when there are none). */
  async provinceDayLastSeq(province: string, date: string, kinds: readonly string[] | null = null): Promise<number> {
    const [row] = await this.db.query<{ last: string | null }[]>(
      `SELECT max(seq) AS last FROM canonical_events WHERE accepted_date = $2::date AND substr(region, 1, 2) = $1
         AND ($3::text[] IS NULL OR kind = ANY($3::text[]))`,
      [province, date, kinds],
    );
    return Number(row?.last ?? 0);
  }

  /** Of the given dates, those on which the province has events. */
  async provinceDatesWithEvents(
    province: string,
    dates: readonly string[],
    kinds: readonly string[] | null = null,
  ): Promise<string[]> {
    if (dates.length === 0) return [];
    const rows = await this.db.query<{ date: string }[]>(
      `SELECT d::text AS date FROM unnest($2::date[]) AS d
       WHERE EXISTS (SELECT 1 FROM canonical_events e WHERE e.accepted_date = d AND substr(e.region, 1, 2) = $1
                       AND ($3::text[] IS NULL OR e.kind = ANY($3::text[])))
       ORDER BY d`,
      [province, dates, kinds],
    );
    return rows.map((r) => r.date);
  }

  /**
   * Moves every stream counter `by` ahead (`ajx restore`): sequences issued after the backup, lost with it, are
   * issued again above any cursor a reader may hold, so no reader skips them.
   */
  async skipSequences(by: bigint): Promise<void> {
    await this.db.query(`UPDATE stream_counters SET last_seq = last_seq + $1`, [String(by)]);
  }

  /** The last sequence number taken in the canonical stream (committed). */
  async lastSeq(): Promise<number> {
    const [row] = await this.db.query<{ last_seq: string }[]>(
      `SELECT last_seq FROM stream_counters WHERE stream = 'canonical'`,
    );
    return Number(row?.last_seq ?? 0);
  }

  /**
   * The events with these ids (any version; a corrected one with its current content): the version of a record live
   * routing has routed, which a re-projection projects rather than the record's latest (docs/reliability.md).
   */
  async eventsById(eventIds: readonly string[]): Promise<Map<string, StoredCanonicalEvent>> {
    if (eventIds.length === 0) return new Map();
    const rows = await this.db.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS('e')} FROM canonical_events e WHERE e.event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return new Map(rows.map((r) => [r.event_id, storedOf(r)]));
  }

  /**
   * Pages through the latest state of every record (the event of its current version), ordered by kind, insurer and
   * subject; `after` is the `next` of the previous page. Re-projection reads it.
   */
  async latestRecords(
    f: LatestRecordsFilter,
    after: string | null,
    limit: number,
  ): Promise<{ records: StoredCanonicalEvent[]; next: string | null }> {
    const [kind, insurer, subject] = after ? (JSON.parse(after) as string[]) : [null, null, null];
    const rows = await this.db.query<EventRow[]>(
      // The record's own columns where it has them (its current version), the event's for the rest.
      `SELECT e.seq, e.accepted_date::text AS accepted_date, e.accepted_at, e.revision, r.event_id, r.insurer, r.kind,
              r.subject, r.version, e.type, r.uscc, r.region, r.sector, e.business_time, e.data
       FROM canonical_records r JOIN canonical_events e ON e.event_id = r.event_id
       WHERE ($1::text IS NULL OR r.region LIKE $1 || '%')
         AND ($2::text[] IS NULL OR r.kind = ANY($2))
         AND ($3::text[] IS NULL OR r.sector = ANY($3))
         AND ($4::text IS NULL OR (r.kind, r.insurer, r.subject) > ($4, $5, $6))
       ORDER BY r.kind, r.insurer, r.subject LIMIT $7`,
      [f.regionPrefix ?? null, f.kinds ?? null, f.sectors ?? null, kind, insurer, subject, limit],
    );
    const records = rows.map(storedOf);
    const last = records[records.length - 1];
    return {
      records,
      next: records.length === limit && last ? JSON.stringify([last.kind, last.insurer, last.subject]) : null,
    };
  }
}
