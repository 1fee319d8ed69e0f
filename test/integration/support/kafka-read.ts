import { randomUUID } from 'node:crypto';
import { type ConsumedMessage, toConsumed } from '@ajx/messaging';
import type { Kafka } from 'kafkajs';

/** Every message currently in a topic (reads from the beginning up to the end offsets taken at the start). */
export async function readAll(kafka: Kafka, topic: string): Promise<ConsumedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const out: ConsumedMessage[] = [];
  if (remaining.size === 0) return out;
  const groupId = `test-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), 30000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = remaining.get(batch.partition);
          if (end === undefined) return;
          for (const m of batch.messages)
            if (BigInt(m.offset) < end) out.push(toConsumed(batch.topic, batch.partition, m));
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
