import type { RecordKind, Sector } from '@ajx/contracts';
import type { AnnouncedBatch, RecordOutcome } from '@ajx/ingest-store';

/** A canonical event as the store keeps it. */
export interface StoredEvent {
  eventId: string;
  insurer: string;
  kind: RecordKind;
  subject: string;
  version: number;
  type: string;
  uscc: string;
  region: string;
  sector: string;
  /** The event's `time` (business time). */
  businessTime: string;
  data: unknown;
  contentHash: Buffer;
  acceptedAt: Date;
  batchId: string | null;
  recordIndex: number | null;
}

/**
 * A canonical event as every reader of the store sees it (the interchange's feed, re-projection): the stored event
 * with its commit-ordered `seq`, its Beijing day of acceptance and its revision (> 0 once corrected).
 */
export interface StoredCanonicalEvent extends Omit<StoredEvent, 'sector' | 'contentHash' | 'batchId' | 'recordIndex'> {
  seq: number;
  /** Beijing date (YYYY-MM-DD) on which the hub accepted the record. */
  acceptedDate: string;
  revision: number;
  sector: Sector;
}

/** Which records a page of the latest state covers (absent: all). */
export interface LatestRecordsFilter {
  regionPrefix?: string;
  kinds?: readonly RecordKind[];
  sectors?: readonly Sector[] | null;
}

/** One reconciliation cell of a day: per insurer × kind the number of event ids and the protocol digest of them. */
export interface DayCell {
  insurer: string;
  kind: RecordKind;
  count: number;
  digest: string;
}

export interface ExistingEvent {
  eventId: string;
  contentHash: Buffer;
  revision: number;
}

export interface DlqEntryInput {
  insurer: string;
  batchId: string | null;
  recordIndex: number | null;
  sourceId: string | null;
  code: string;
  message: string;
  /** The rejected message's value, byte for byte. */
  rawValue: Buffer | null;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  acceptedAt: Date | null;
}

/** Everything one processed slice writes, in one transaction. */
export interface StoreWrite {
  inserts: StoredEvent[];
  corrections: (StoredEvent & { previousHash: Buffer; replayId: string | null })[];
  outcomes: RecordOutcome[];
  dlq: DlqEntryInput[];
  /** (batch, index) pairs that now have an event: their open DLQ entries are resolved. */
  resolved: { batchId: string; recordIndex: number; eventId: string }[];
  /** Insurer adapters' batches announced on the slice's records: registered for their batch reports. */
  batches?: AnnouncedBatch[];
}

/** Beijing calendar date of an instant (the day a record was accepted, for manifests). */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
