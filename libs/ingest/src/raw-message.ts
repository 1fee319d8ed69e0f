import { type BatchAnnouncement, encodeRawRecordMessage, type RawRecord } from '@ajx/contracts';
import { rawRecordKey } from '@ajx/domain';
import type { OutgoingMessage } from '@ajx/messaging';

/**
 * The Kafka message of one native record on `ajx.raw.v1.<INSURER>`, as the gateway and the insurer adapters both
 * publish it (the codec is libs/contracts' `encodeRawRecordMessage`): key = the insurer's record id normalised as the
 * standard does (`rawRecordKey`), so every version of a record — however its id was written — keeps its order on one
 * partition; without an id, `<batch>:<index>`. An adapter adds its file's batch announcement.
 */
export function rawRecordMessage(
  batchId: string,
  acceptedAt: Date,
  raw: RawRecord,
  batch?: BatchAnnouncement,
): OutgoingMessage {
  const key = raw.sourceId ? rawRecordKey(raw.sourceId) : `${batchId}:${raw.recordIndex}`;
  return encodeRawRecordMessage({ batchId, acceptedAt, raw, batch }, key);
}
