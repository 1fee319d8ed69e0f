import { type ConsumedMessage, readTopicToEnd } from '@ajx/messaging';
import type { Kafka } from 'kafkajs';

/** Every message currently in a topic (reads from the beginning up to the end offsets taken at the start). */
export async function readAll(kafka: Kafka, topic: string): Promise<ConsumedMessage[]> {
  const out: ConsumedMessage[] = [];
  await readTopicToEnd(kafka, topic, (m) => out.push(m), { timeoutMs: 30000 });
  return out;
}
