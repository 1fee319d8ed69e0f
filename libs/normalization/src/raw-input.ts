import { parseRawRecord, type RawRecord, RawRecordFormatError, RawHeaders } from '@ajx/contracts';
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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeRawMessage(m: ConsumedMessage, insurer: string): RawInput {
  const batchHeader = m.headers[RawHeaders.batchId];
  const acceptedHeader = Date.parse(m.headers[RawHeaders.acceptedAt] ?? '');
  const headerIndex = Number(m.headers[RawHeaders.recordIndex]);
  const base = {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    insurer,
    batchId: batchHeader && UUID.test(batchHeader) ? batchHeader.toLowerCase() : null,
    recordIndex: Number.isInteger(headerIndex) && headerIndex >= 0 ? headerIndex : null,
    acceptedAt: new Date(Number.isFinite(acceptedHeader) ? acceptedHeader : Number(m.timestamp)),
    value: m.value,
    key: m.key?.toString('utf8') ?? null,
  };
  if (!m.value) return { ...base, raw: null, invalid: 'the message has no value' };
  try {
    const raw = parseRawRecord(m.value);
    return { ...base, recordIndex: raw.recordIndex, raw, invalid: null };
  } catch (err) {
    if (err instanceof RawRecordFormatError) return { ...base, raw: null, invalid: err.message };
    throw err;
  }
}
