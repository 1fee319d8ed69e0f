import { type ConsumedMessage, readTopicToEnd } from '@ajx/messaging';
import { waitFor } from '@ajx/testing';
import type { Kafka } from 'kafkajs';

/** Every message currently in a topic (reads from the beginning up to the end offsets taken at the start). */
export async function readAll(kafka: Kafka, topic: string): Promise<ConsumedMessage[]> {
  const out: ConsumedMessage[] = [];
  await readTopicToEnd(kafka, topic, (m) => out.push(m), { timeoutMs: 30000 });
  return out;
}

/**
 * Whether consumer group `groupId` has committed every partition of `topic` up to the topic's end: what it consumed
 * has been handled (the hub commits only after the effects). The wait before a "nothing changed" check.
 */
export async function committedToEnd(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((e) => {
      const at = committed.partitions.find((p) => p.partition === e.partition)?.offset ?? '-1';
      return e.high === '0' ? true : at === e.high;
    });
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `groupId` has committed each of `topics` to its end (see {@link committedToEnd}). */
export async function waitCommittedToEnd(kafka: Kafka, groupId: string, topics: string[], what: string): Promise<void> {
  await waitFor(
    async () => {
      for (const t of topics) if (!(await committedToEnd(kafka, groupId, t))) return undefined;
      return true;
    },
    { what: `${what}: ${groupId} committed to the end of ${topics.join(', ')}`, timeoutMs: 60_000, intervalMs: 200 },
  );
}
