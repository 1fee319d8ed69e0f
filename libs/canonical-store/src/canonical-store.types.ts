import type { RecordKind } from '@ajx/contracts';

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

export interface ExistingEvent {
  eventId: string;
  contentHash: Buffer;
  revision: number;
}

export type OutcomeKind = 'normalized' | 'duplicate' | 'rejected';

export interface RecordOutcome {
  batchId: string;
  recordIndex: number;
  outcome: OutcomeKind;
  code: string | null;
  message: string | null;
  sourceId: string | null;
  eventId: string | null;
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
}

/** Text for a metadata column (reject message, source id): PostgreSQL text cannot hold U+0000. */
export function storableText(s: string | null): string | null {
  return s === null ? null : s.replaceAll('\u0000', '\uFFFD');
}

/** Beijing calendar date of an instant (the day a record was accepted, for manifests). */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
