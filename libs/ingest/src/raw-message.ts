import { type RawRecord, RawHeaders } from '@ajx/contracts';
import { rawRecordKey } from '@ajx/domain';
import type { OutgoingMessage } from '@ajx/messaging';

/**
 * The Kafka message of one native record on `ajx.raw.v1.<INSURER>`, as the gateway and the insurer adapters both
 * publish it: key = the insurer's record id normalised as the standard does (`rawRecordKey`), so every version of a
 * record — however its id was written — keeps its order on one partition; value = the raw record JSON, headers =
 * batch id, record index and when the batch was accepted.
 */
export function rawRecordMessage(batchId: string, acceptedAt: Date, raw: RawRecord): OutgoingMessage {
  return {
    key: raw.sourceId ? rawRecordKey(raw.sourceId) : `${batchId}:${raw.recordIndex}`,
    value: JSON.stringify(raw),
    headers: {
      [RawHeaders.batchId]: batchId,
      [RawHeaders.recordIndex]: String(raw.recordIndex),
      [RawHeaders.acceptedAt]: acceptedAt.toISOString(),
    },
  };
}
