import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type ConsumedMessage, toConsumed } from './message';

/**
 * Reads every committed message of a topic from the beginning up to its end offsets taken at the start
 * (read_committed, the kafkajs default: aborted transactions are skipped). The end is detected from the batch
 * instrumentation events, which also cover fetches holding only transaction markers or aborted records — a reader
 * that waits for a message at `end - 1` would wait forever behind a commit marker.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (m: ConsumedMessage) => void,
  opts: { groupId?: string; timeoutMs?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let ends;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: opts.groupId ?? `ajx-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} to its end timed out`)),
        opts.timeoutMs ?? 60000,
      );
      const reached = (partition: number, lastOffset: string | null) => {
        const end = remaining.get(partition);
        if (end === undefined || lastOffset === null) return;
        if (BigInt(lastOffset) + 1n >= end) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = remaining.get(batch.partition);
            if (end === undefined) return;
            for (const m of batch.messages)
              if (BigInt(m.offset) < end) onMessage(toConsumed(batch.topic, batch.partition, m));
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
      consumer.on(consumer.events.CRASH, (e) => {
        clearTimeout(timer);
        reject(e.payload.error);
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
