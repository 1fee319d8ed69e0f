import { type BatchAnnouncement, decodeRawRecordMessage, type RawRecord } from '@ajx/contracts';
import type { ConsumedMessage } from '@ajx/messaging';

/** A raw Kafka message made ready for the pipeline; `invalid` says why it could not be read as a RawRecord. */
export interface RawInput {
  topic: string;
  partition: number;
  offset: string;
  /** From the topic, never from the message. */
  insurer: string;
  batchId: string | null;
  /** 1-based position in its file (from the record, or the header when the record is unreadable). */
  recordIndex: number | null;
  acceptedAt: Date;
  raw: RawRecord | null;
  value: Buffer | null;
  key: string | null;
  invalid: string | null;
  /** An insurer adapter's batch announcement (the gateway registers its batches itself). */
  batch?: BatchAnnouncement | null;
}

export function decodeRawMessage(m: ConsumedMessage, insurer: string): RawInput {
  const decoded = decodeRawRecordMessage(m);
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    insurer,
    batchId: decoded.batchId,
    recordIndex: decoded.recordIndex,
    acceptedAt: decoded.acceptedAt,
    value: m.value,
    key: m.key?.toString('utf8') ?? null,
    raw: decoded.raw,
    invalid: decoded.invalid,
    batch: decoded.batch,
  };
}
