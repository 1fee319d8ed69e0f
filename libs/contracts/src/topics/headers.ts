/** Kafka header names of the hub's own (non-CloudEvents) message metadata. */
export const MessageHeaders = {
  /** Upload/batch a raw record came in (raw and DLQ messages). */
  batchId: 'ajx-batch-id',
  /** 1-based position of the record in its file (raw and DLQ messages). */
  recordIndex: 'ajx-record-index',
  /** ISO 8601 instant at which the gateway accepted the record; carried to the canonical event for latency. */
  acceptedAt: 'ajx-accepted-at',
  /** `"true"` on a canonical event that replaces earlier content of the same id (operator replay after a mapping fix). */
  correction: 'ajx-correction',
  /** DLQ: the reject code, its human message, the delivering insurer. */
  rejectCode: 'ajx-reject-code',
  rejectMessage: 'ajx-reject-message',
  insurer: 'ajx-insurer',
  /** DLQ: where the rejected message was read from. */
  sourceTopic: 'ajx-source-topic',
  sourcePartition: 'ajx-source-partition',
  sourceOffset: 'ajx-source-offset',
  /** DLQ: ISO 8601 instant of the rejection. */
  rejectedAt: 'ajx-rejected-at',
} as const;
