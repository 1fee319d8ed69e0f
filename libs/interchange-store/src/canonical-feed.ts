import { CanonicalStoreRepository, type StoredCanonicalEvent } from '@ajx/canonical-store';
import { dataschemaOf, eventSourceOf, type CanonicalEvent, type RecordKind } from '@ajx/contracts';
import type { BatchEntry, ManifestCell } from '@ajx/interchange-protocol';
import { Injectable } from '@nestjs/common';

/** A stored canonical event as an interchange entry: the event in structured mode, its seq and acceptance day. */
export function entryOf(e: StoredCanonicalEvent): BatchEntry {
  return {
    seq: e.seq,
    acceptedDate: e.acceptedDate,
    correction: e.revision > 0,
    event: {
      specversion: '1.0',
      id: e.eventId,
      source: eventSourceOf(e.insurer),
      type: e.type,
      subject: e.subject,
      time: e.businessTime,
      datacontenttype: 'application/json',
      dataschema: dataschemaOf(e.kind),
      insurer: e.insurer,
      region: e.region,
      sector: e.sector,
      uscc: e.uscc,
      sourceversion: e.version,
      data: e.data as CanonicalEvent['data'],
    },
  };
}

/**
 * The canonical store as the interchange protocol sees it: one province's events in `seq` order (commit order: a
 * reader of `seq > watermark` never skips an event that commits late, see ADR 0004), one acceptance day of it, and
 * the day's reconciliation cells. The store's repository (libs/canonical-store) runs the SQL; this maps its events
 * to protocol entries.
 */
@Injectable()
export class CanonicalFeed {
  constructor(private readonly store: CanonicalStoreRepository) {}

  /**
   * Up to `limit` events of the province after `afterSeq` (and at most `uptoSeq`), in seq order; `kinds`: only these
   * record kinds (an endpoint that receives some kinds only), null for all.
   */
  async entriesAfter(
    province: string,
    afterSeq: number,
    limit: number,
    uptoSeq?: number | null,
    kinds: readonly RecordKind[] | null = null,
  ): Promise<BatchEntry[]> {
    return (await this.store.provinceEventsAfter(province, afterSeq, limit, uptoSeq, kinds)).map(entryOf);
  }

  /** Up to `limit` events of the province accepted on `date`, after `afterSeq` and at most `uptoSeq`. */
  async dayEntries(
    province: string,
    date: string,
    afterSeq: number,
    uptoSeq: number,
    limit: number,
    kinds: readonly RecordKind[] | null = null,
  ): Promise<BatchEntry[]> {
    return (await this.store.provinceDayEvents(province, date, afterSeq, uptoSeq, limit, kinds)).map(entryOf);
  }

  /** The day's manifest cells (per insurer × kind: count and digest of the event ids). */
  dayCells(province: string, date: string, kinds: readonly RecordKind[] | null = null): Promise<ManifestCell[]> {
    return this.store.provinceDayCells(province, date, kinds);
  }

  /** The highest seq of the province's events of `date` (0 when there are none). */
  dayLastSeq(province: string, date: string, kinds: readonly RecordKind[] | null = null): Promise<number> {
    return this.store.provinceDayLastSeq(province, date, kinds);
  }

  /** Of the given dates, those on which the province has events. */
  datesWithEvents(
    province: string,
    dates: readonly string[],
    kinds: readonly RecordKind[] | null = null,
  ): Promise<string[]> {
    return this.store.provinceDatesWithEvents(province, dates, kinds);
  }
}
