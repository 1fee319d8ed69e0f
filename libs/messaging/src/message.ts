import type { IHeaders, KafkaMessage } from 'kafkajs';

/** A consumed Kafka message with headers decoded to strings (the hub only writes UTF-8 headers). */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Messages handed to a handler in one call: slices of one or more partitions of one subscription, fetched together
 * (each message carries its topic and partition; within a partition they are in offset order).
 */
export interface MessageBatch {
  messages: ConsumedMessage[];
  /** Call between long steps so the group does not consider the member dead. */
  heartbeat(): Promise<void>;
}

/** A message to produce; `topic` is logical (the producer adds the deployment's prefix). */
export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

export function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
    headers: decodeHeaders(m.headers),
  };
}

/** The offset to commit after processing `offset`: Kafka's committed offset is the next one to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
