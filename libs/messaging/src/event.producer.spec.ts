import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';
import { EventProducer } from './event.producer';

/**
 * kafkajs 2.2.4 may resolve a send that left out the partitions whose leader moved during its retries to a broker
 * that had already answered (docs/reliability.md, "Cluster run"). The producer sends what was not acknowledged
 * again. A fake client that answers like kafkajs then does: acknowledgements for some of the partitions only.
 */
function fakeKafka(answers: ((b: ProducerBatch) => RecordMetadata[])[]) {
  const sent: { partition: number; key: string }[][] = [];
  const kafka = {
    producer: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      sendBatch: (b: ProducerBatch) => {
        const messages = (b.topicMessages ?? []).flatMap((t) => t.messages);
        sent.push(messages.map((m) => ({ partition: m.partition!, key: String(m.key) })));
        const answer = answers[sent.length - 1] ?? answers[answers.length - 1];
        return Promise.resolve(answer(b));
      },
    }),
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchTopicMetadata: ({ topics }: { topics: string[] }) =>
        Promise.resolve({
          topics: topics.map((name) => ({
            name,
            partitions: [0, 1, 2].map((partitionId) => ({
              partitionId,
              leader: partitionId + 1,
              partitionErrorCode: 0,
              replicas: [1, 2, 3],
              isr: [1, 2, 3],
              offlineReplicas: [],
            })),
          })),
        }),
    }),
  } as unknown as Kafka;
  return { kafka, sent };
}

const ack = (topicName: string, partitions: number[]): RecordMetadata[] =>
  partitions.map((partition) => ({ topicName, partition, errorCode: 0 }));
const partitionsOf = (b: ProducerBatch) => [
  ...new Set((b.topicMessages ?? []).flatMap((t) => t.messages.map((m) => m.partition!))),
];
const messages = Array.from({ length: 30 }, (_, i) => ({ key: `9137${i}`, value: Buffer.from(`v${i}`), headers: {} }));

describe('EventProducer', () => {
  it('sends again the messages of partitions a send resolved without acknowledging', async () => {
    const { kafka, sent } = fakeKafka([
      // The first send answers for partitions 0 and 2 only: partition 1 moved to a broker that had answered.
      (b) =>
        ack(
          'p.ajx.canonical.v1',
          partitionsOf(b).filter((p) => p !== 1),
        ),
      (b) => ack('p.ajx.canonical.v1', partitionsOf(b)),
    ]);
    const producer = new EventProducer(kafka, 'p.');
    await producer.send([{ topic: 'ajx.canonical.v1', messages }]);
    expect(sent).toHaveLength(2);
    expect(new Set(sent[0].map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
    // Only partition 1's messages the second time, every one of them.
    expect(sent[1].every((m) => m.partition === 1)).toBe(true);
    expect(sent[1].map((m) => m.key).sort()).toEqual(
      sent[0]
        .filter((m) => m.partition === 1)
        .map((m) => m.key)
        .sort(),
    );
  });

  it('partitions by key as kafkajs would (murmur2), the same key always on the same partition', async () => {
    const { kafka, sent } = fakeKafka([(b) => ack('ajx.canonical.v1', partitionsOf(b))]);
    const producer = new EventProducer(kafka);
    await producer.send([{ topic: 'ajx.canonical.v1', messages }]);
    await producer.send([{ topic: 'ajx.canonical.v1', messages }]);
    expect(sent[1]).toEqual(sent[0]);
  });

  it('gives up with the partitions named when the brokers never acknowledge them', async () => {
    const { kafka } = fakeKafka([
      (b) =>
        ack(
          'ajx.dlq.v1',
          partitionsOf(b).filter((p) => p !== 2),
        ),
    ]);
    const producer = new EventProducer(kafka);
    await expect(producer.send([{ topic: 'ajx.dlq.v1', messages }])).rejects.toThrow(
      /acknowledged no write of ajx\.dlq\.v1\[2\] after 20 sends/,
    );
  });
});
