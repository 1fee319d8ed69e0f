import { dataschemaOf, eventSourceOf, type CanonicalEvent, type RecordKind, type Sector } from '@ajx/contracts';
import type { BatchEntry, ManifestCell } from '@ajx/interchange-protocol';
import type { Queryable } from './queryable';

interface EventRow {
  seq: string;
  accepted_date: string;
  revision: number;
  event_id: string;
  insurer: string;
  kind: RecordKind;
  subject: string;
  version: number;
  type: string;
  uscc: string;
  region: string;
  sector: Sector;
  business_time: string;
  data: CanonicalEvent['data'];
}

const COLUMNS = `seq, accepted_date::text AS accepted_date, revision, event_id, insurer, kind, subject, version, type, uscc,
  region, sector, business_time, data`;

/** A stored canonical event as an interchange entry: the event in structured mode, its seq and acceptance day. */
export function entryOf(r: EventRow): BatchEntry {
  return {
    seq: Number(r.seq),
    acceptedDate: r.accepted_date,
    correction: r.revision > 0,
    event: {
      specversion: '1.0',
      id: r.event_id,
      source: eventSourceOf(r.insurer),
      type: r.type,
      subject: r.subject,
      time: r.business_time,
      datacontenttype: 'application/json',
      dataschema: dataschemaOf(r.kind),
      insurer: r.insurer,
      region: r.region,
      sector: r.sector,
      uscc: r.uscc,
      sourceversion: r.version,
      data: r.data,
    },
  };
}

/**
 * Reads the canonical store for the interchange: one province's events in `seq` order (commit order: a reader of
 * `seq > watermark` never skips an event that commits late, see ADR 0004), one acceptance day of it, and the day's
 * reconciliation cells. A correction moves an event to a new, higher `seq` with `revision > 0`, so reading after the
 * watermark delivers it again as a correction.
 */
export class CanonicalFeedRepository {
  constructor(private readonly db: Queryable) {}

  /** Up to `limit` events of the province after `afterSeq` (and at most `uptoSeq`), in seq order. */
  async entriesAfter(
    province: string,
    afterSeq: number,
    limit: number,
    uptoSeq?: number | null,
  ): Promise<BatchEntry[]> {
    const rows = await this.db.query<EventRow[]>(
      `SELECT ${COLUMNS} FROM canonical_events
       WHERE substr(region, 1, 2) = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq <= $3)
       ORDER BY substr(region, 1, 2), seq LIMIT $4`,
      [province, afterSeq, uptoSeq ?? null, limit],
    );
    return rows.map(entryOf);
  }

  /** Up to `limit` events of the province accepted on `date`, after `afterSeq` and at most `uptoSeq`. */
  async dayEntries(
    province: string,
    date: string,
    afterSeq: number,
    uptoSeq: number,
    limit: number,
  ): Promise<BatchEntry[]> {
    const rows = await this.db.query<EventRow[]>(
      `SELECT ${COLUMNS} FROM canonical_events
       WHERE accepted_date = $2::date AND substr(region, 1, 2) = $1 AND seq > $3 AND seq <= $4
       ORDER BY accepted_date, seq LIMIT $5`,
      [province, date, afterSeq, uptoSeq, limit],
    );
    return rows.map(entryOf);
  }

  /**
   * The day's manifest cells: per insurer × kind the number of event ids and the protocol's digest of them (ids
   * sorted bytewise — collation "C" — joined with newlines). Event ids are unique in the store.
   */
  async dayCells(province: string, date: string): Promise<ManifestCell[]> {
    const rows = await this.db.query<{ insurer: string; kind: RecordKind; count: number; digest: string }[]>(
      `SELECT insurer, kind, count(*)::int AS count,
              encode(sha256(convert_to(string_agg(event_id::text, E'\\n' ORDER BY event_id::text COLLATE "C"), 'UTF8')),
                     'hex') AS digest
       FROM canonical_events WHERE accepted_date = $2::date AND substr(region, 1, 2) = $1
       GROUP BY insurer, kind ORDER BY insurer COLLATE "C", kind COLLATE "C"`,
      [province, date],
    );
    return rows;
  }

  /** The highest seq of the province's events of `date` (0 when there are none). */
  async dayLastSeq(province: string, date: string): Promise<number> {
    const [row] = await this.db.query<{ last: string | null }[]>(
      `SELECT max(seq) AS last FROM canonical_events WHERE accepted_date = $2::date AND substr(region, 1, 2) = $1`,
      [province, date],
    );
    return Number(row?.last ?? 0);
  }

  /** Of the given dates, those on which the province has events. */
  async datesWithEvents(province: string, dates: readonly string[]): Promise<string[]> {
    if (dates.length === 0) return [];
    const rows = await this.db.query<{ date: string }[]>(
      `SELECT d::text AS date FROM unnest($2::date[]) AS d
       WHERE EXISTS (SELECT 1 FROM canonical_events e WHERE e.accepted_date = d AND substr(e.region, 1, 2) = $1)
       ORDER BY d`,
      [province, dates],
    );
    return rows.map((r) => r.date);
  }

  /** The last sequence number taken in the canonical stream (committed). */
  async lastSeq(): Promise<number> {
    const [row] = await this.db.query<{ last_seq: string }[]>(
      `SELECT last_seq FROM stream_counters WHERE stream = 'canonical'`,
    );
    return Number(row?.last_seq ?? 0);
  }
}
