import { type RawRecord, RawHeaders } from '@ajx/contracts';
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the shape of a raw message value; returns a reason when it is not a RawRecord. */
export function rawRecordProblem(v: unknown): string | null {
  if (!isPlainObject(v)) return 'the value is not a JSON object';
  if (!Number.isInteger(v.recordIndex) || (v.recordIndex as number) < 0)
    return 'recordIndex is not a non-negative integer';
  if (v.sourceId !== null && typeof v.sourceId !== 'string') return 'sourceId is neither a string nor null';
  if (!isPlainObject(v.envelope)) return 'envelope is not an object';
  if (v.fields !== null && !isPlainObject(v.fields)) return 'fields is neither an object nor null';
  if (v.malformed !== null && !(isPlainObject(v.malformed) && typeof v.malformed.message === 'string')) {
    return 'malformed is neither {message} nor null';
  }
  if (v.fields === null && v.malformed === null) return 'a record needs fields or a malformed reason';
  return null;
}

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(m.value.toString('utf8'));
  } catch {
    return { ...base, raw: null, invalid: 'the message value is not JSON' };
  }
  const problem = rawRecordProblem(parsed);
  if (problem) return { ...base, raw: null, invalid: `the message is not a raw record: ${problem}` };
  const raw = parsed as RawRecord;
  return { ...base, recordIndex: raw.recordIndex, raw, invalid: null };
}
