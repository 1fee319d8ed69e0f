import { parseRawRecord, type RawRecord, RawRecordFormatError } from '../raw/raw-record';
import type { EncodedMessage, ReceivedMessage } from './kafka-message';

/** Headers of a message on `ajx.raw.v1.<INSURER>` (values are UTF-8 strings). */
export const RawHeaders = {
  batchId: 'ajx-batch-id',
  recordIndex: 'ajx-record-index',
  /** ISO 8601 instant when the gateway (or adapter) accepted the record; latency is measured from it. */
  acceptedAt: 'ajx-accepted-at',
  /** The batch announcement of an insurer adapter's file (the gateway registers its batches itself): */
  batchRecords: 'ajx-batch-records',
  batchSha256: 'ajx-batch-sha256',
  batchBytes: 'ajx-batch-bytes',
  /** The file's name, percent-encoded (header values stay ASCII). */
  batchFile: 'ajx-batch-file',
} as const;

/**
 * What an insurer adapter says about the file a record comes from, on each of its records: the normaliser registers
 * the batch from it, so that the insurer reads the batch report of an adapter's file as of an upload.
 */
export interface BatchAnnouncement {
  /** Records in the file. */
  records: number;
  /** SHA-256 of the file, lower-case hex (the batch id is UUIDv5 of `<insurer>:<sha256>`). */
  sha256: string;
  bytes: number;
  file: string;
}

/** What a raw message carries besides its record. */
export interface RawRecordMessage {
  batchId: string;
  acceptedAt: Date;
  raw: RawRecord;
  /** An adapter's file: its batch announcement. */
  batch?: BatchAnnouncement;
}

/**
 * The message of one native record on `ajx.raw.v1.<INSURER>`, as the gateway and the insurer adapters both publish
 * it: key = `key` (the insurer's record id normalised as the standard does, so every version of a record keeps its
 * order on one partition; the caller computes it), value = the raw record JSON, headers = batch id, record index and
 * when the batch was accepted.
 */
export function encodeRawRecordMessage(m: RawRecordMessage, key: string): EncodedMessage {
  return {
    key,
    value: JSON.stringify(m.raw),
    headers: {
      [RawHeaders.batchId]: m.batchId,
      [RawHeaders.recordIndex]: String(m.raw.recordIndex),
      [RawHeaders.acceptedAt]: m.acceptedAt.toISOString(),
      ...(m.batch
        ? {
            [RawHeaders.batchRecords]: String(m.batch.records),
            [RawHeaders.batchSha256]: m.batch.sha256,
            [RawHeaders.batchBytes]: String(m.batch.bytes),
            [RawHeaders.batchFile]: encodeURIComponent(m.batch.file),
          }
        : {}),
    },
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The batch announcement of a raw message, or null when it has none or any part of it is not well formed. */
export function decodeBatchAnnouncement(headers: ReceivedMessage['headers']): BatchAnnouncement | null {
  const records = Number(headers[RawHeaders.batchRecords]);
  const bytes = Number(headers[RawHeaders.batchBytes]);
  const sha256 = headers[RawHeaders.batchSha256] ?? '';
  let file: string;
  try {
    file = decodeURIComponent(headers[RawHeaders.batchFile] ?? '');
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(records) || records < 1 || !Number.isSafeInteger(bytes) || bytes < 0) return null;
  if (!SHA256_HEX.test(sha256) || !file || file.length > 255 || file.includes('\u0000')) return null;
  return { records, sha256, bytes, file };
}

/** The raw message's headers (as they would be sent) for a record known only by its stored parts (a DLQ entry). */
export function rawRecordHeaders(h: {
  batchId: string | null;
  recordIndex: number | null;
  acceptedAt: Date | null;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (h.batchId) headers[RawHeaders.batchId] = h.batchId;
  if (h.recordIndex !== null) headers[RawHeaders.recordIndex] = String(h.recordIndex);
  if (h.acceptedAt) headers[RawHeaders.acceptedAt] = h.acceptedAt.toISOString();
  return headers;
}

/** A raw message as read: whatever of it is usable, and why the record is not (it becomes MALFORMED_RECORD). */
export interface DecodedRawRecordMessage {
  /** The batch header when it is a UUID (lower case), else null. */
  batchId: string | null;
  /** 1-based position in its file: from the record, or the header when the record is unreadable. */
  recordIndex: number | null;
  /** The accepted-at header, or else the message's timestamp. */
  acceptedAt: Date;
  raw: RawRecord | null;
  invalid: string | null;
  /** An adapter's batch announcement (null for the gateway's records, or when malformed). */
  batch: BatchAnnouncement | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Inverse of {@link encodeRawRecordMessage}; never throws for bad input (it is rejected downstream, with reasons). */
export function decodeRawRecordMessage(m: ReceivedMessage): DecodedRawRecordMessage {
  const batchHeader = m.headers[RawHeaders.batchId];
  const acceptedHeader = Date.parse(m.headers[RawHeaders.acceptedAt] ?? '');
  const headerIndex = Number(m.headers[RawHeaders.recordIndex]);
  const base = {
    batchId: batchHeader && UUID.test(batchHeader) ? batchHeader.toLowerCase() : null,
    recordIndex: Number.isInteger(headerIndex) && headerIndex >= 0 ? headerIndex : null,
    acceptedAt: new Date(Number.isFinite(acceptedHeader) ? acceptedHeader : Number(m.timestamp)),
    batch: decodeBatchAnnouncement(m.headers),
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
