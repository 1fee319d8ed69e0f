import type { EncodedMessage, ReceivedMessage } from './kafka-message';

/** Headers of a message on `ajx.dlq.v1`: why the record was rejected and where it came from. */
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
  /** Set when the reject came from `ajx replay`. */
  replayId: 'ajx-replay-id',
} as const;

/** A rejected raw record: its message value byte for byte, the reason and where it was read. */
export interface DlqMessage {
  /** The record's id, or else the raw message's key (null when it had none). */
  key: string | null;
  /** The rejected raw message's value as it was (null when it had none). */
  value: Buffer | null;
  code: string;
  message: string;
  insurer: string;
  batchId: string | null;
  recordIndex: number | null;
  source: { topic: string; partition: number; offset: string };
  rejectedAt: Date;
  replayId: string | null;
}

/** The message of a rejected record on `ajx.dlq.v1` (key = the record's id, or the raw message's key). */
export function encodeDlqMessage(m: DlqMessage): EncodedMessage {
  return {
    key: m.key,
    value: m.value,
    headers: {
      [DlqHeaders.code]: m.code,
      [DlqHeaders.message]: m.message,
      [DlqHeaders.insurer]: m.insurer,
      [DlqHeaders.batchId]: m.batchId ?? '',
      [DlqHeaders.recordIndex]: String(m.recordIndex ?? ''),
      [DlqHeaders.sourceTopic]: m.source.topic,
      [DlqHeaders.sourcePartition]: String(m.source.partition),
      [DlqHeaders.sourceOffset]: m.source.offset,
      [DlqHeaders.rejectedAt]: m.rejectedAt.toISOString(),
      ...(m.replayId ? { [DlqHeaders.replayId]: m.replayId } : {}),
    },
  };
}

/** Inverse of {@link encodeDlqMessage}. */
export function decodeDlqMessage(m: ReceivedMessage): DlqMessage {
  const h = (name: string) => m.headers[name] ?? '';
  const value = m.value === null || Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value, 'utf8');
  const index = h(DlqHeaders.recordIndex);
  return {
    key: m.key === null || m.key === undefined ? null : m.key.toString(),
    value,
    code: h(DlqHeaders.code),
    message: h(DlqHeaders.message),
    insurer: h(DlqHeaders.insurer),
    batchId: h(DlqHeaders.batchId) || null,
    recordIndex: index === '' ? null : Number(index),
    source: {
      topic: h(DlqHeaders.sourceTopic),
      partition: Number(h(DlqHeaders.sourcePartition)),
      offset: h(DlqHeaders.sourceOffset),
    },
    rejectedAt: new Date(h(DlqHeaders.rejectedAt)),
    replayId: m.headers[DlqHeaders.replayId] ?? null,
  };
}
