/** Kafka header names of the hub's messages (values are UTF-8 strings). */
export const RawHeaders = {
  batchId: 'ajx-batch-id',
  recordIndex: 'ajx-record-index',
  /** ISO 8601 instant when the gateway (or adapter) accepted the record; latency is measured from it. */
  acceptedAt: 'ajx-accepted-at',
} as const;

export const CanonicalHeaders = {
  acceptedAt: 'ajx-accepted-at',
  /** "true" when the event replaces the content of an already accepted version (a replay after a mapping fix). */
  correction: 'ajx-correction',
} as const;

export const DlqHeaders = {
  code: 'ajx-reject-code',
  message: 'ajx-reject-message',
  insurer: 'ajx-insurer',
  batchId: 'ajx-batch-id',
  recordIndex: 'ajx-record-index',
  sourceTopic: 'ajx-source-topic',
  sourcePartition: 'ajx-source-partition',
  sourceOffset: 'ajx-source-offset',
  rejectedAt: 'ajx-rejected-at',
} as const;
