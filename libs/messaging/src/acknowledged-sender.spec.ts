import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';
import { AcknowledgedSender, type BatchSender } from './acknowledged-sender';

/**
 * The adapter's Kafka transactions and `ajx restore` send through AcknowledgedSender too: a transaction must not
 * commit while a partition kafkajs left out is unsent, and partitions the caller chose (a restore puts every message
 * back on its partition) are kept, without asking the cluster for metadata.
 */
const ack = (topicName: string, partitions: number[]): RecordMetadata[] =>
  partitions.map((partition) => ({ topicName, partition, errorCode: 0 }));

function kafkaWithPartitions(count: number): { kafka: Kafka; metadataReads: () => number } {
  let reads = 0;
  const kafka = {
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
        reads++;
        return Promise.resolve({
          topics: topics.map((name) => ({
            name,
            partitions: Array.from({ length: count }, (_, partitionId) => ({
              partitionId,
              leader: 1,
              partitionErrorCode: 0,
              replicas: [1],
              isr: [1],
              offlineReplicas: [],
            })),
          })),
        });
      },
    }),
  } as unknown as Kafka;
  return { kafka, metadataReads: () => reads };
}

/** A transaction that logs what it was asked to do, answering each send with `answers[i]`. */
function fakeTransaction(answers: ((b: ProducerBatch) => RecordMetadata[])[]) {
  const log: string[] = [];
  const txn = {
    sendBatch: (b: ProducerBatch) => {
      const parts = (b.topicMessages ?? []).map(
        (t) => `${t.topic}[${[...new Set(t.messages.map((m) => m.partition))].sort().join(',')}]`,
      );
      log.push(`send ${parts.join(' ')}`);
      const answer = answers[Math.min(log.length - 1, answers.length - 1)];
      return Promise.resolve(answer(b));
    },
    commit: () => {
      log.push('commit');
      return Promise.resolve();
    },
  };
  return { txn, log };
}

const everyPartition = (b: ProducerBatch) =>
  (b.topicMessages ?? []).flatMap((t) => ack(t.topic, [...new Set(t.messages.map((m) => m.partition!))]));

describe('AcknowledgedSender', () => {
  it('sends a partition left out again inside the same transaction, before it commits', async () => {
    const { kafka } = kafkaWithPartitions(3);
    const sender = new AcknowledgedSender(kafka);
    const records = Array.from({ length: 12 }, (_, i) => ({ key: `9137${i}`, value: `r${i}` }));
    const { txn, log } = fakeTransaction([
      // The raw topic's partition 1 moved to a broker that had answered: kafkajs resolves without it.
      (b) => everyPartition(b).filter((r) => !(r.topicName === 'ajx.raw.v1.PICC' && r.partition === 1)),
      everyPartition,
    ]);
    const adapterCommit = async (s: BatchSender & { commit(): Promise<void> }) => {
      await sender.send(s, [
        { topic: 'ajx.raw.v1.PICC', messages: records },
        { topic: 'ajx.adapter-state.v1.PICC', messages: [{ key: 'PICC', value: 'checkpoint', partition: 0 }] },
      ]);
      await s.commit();
    };
    await adapterCommit(txn);
    expect(log).toEqual([
      'send ajx.raw.v1.PICC[0,1,2] ajx.adapter-state.v1.PICC[0]',
      'send ajx.raw.v1.PICC[1]',
      'commit',
    ]);
    await sender.close();
  });

  it('never lets the transaction commit when a partition is never acknowledged', async () => {
    const { kafka } = kafkaWithPartitions(2);
    const sender = new AcknowledgedSender(kafka);
    const { txn, log } = fakeTransaction([(b) => everyPartition(b).filter((r) => r.partition !== 0)]);
    const messages = Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await expect(sender.send(txn, [{ topic: 'ajx.raw.v1.DADI', messages }]).then(() => txn.commit())).rejects.toThrow(
      /acknowledged no write of ajx\.raw\.v1\.DADI\[0\] after 20 sends/,
    );
    expect(log).not.toContain('commit');
  });

  it('keeps the partitions the caller chose and reads no metadata for them (a restore)', async () => {
    const { kafka, metadataReads } = kafkaWithPartitions(3);
    const sender = new AcknowledgedSender(kafka);
    const { txn, log } = fakeTransaction([(b) => everyPartition(b).filter((r) => r.partition !== 2), everyPartition]);
    const messages = [0, 2, 2, 0].map((partition, i) => ({ partition, key: `same-key`, value: `v${i}` }));
    await sender.send(txn, [{ topic: 'p.ajx.canonical.v1', messages }]);
    expect(log).toEqual(['send p.ajx.canonical.v1[0,2]', 'send p.ajx.canonical.v1[2]']);
    expect(metadataReads()).toBe(0);
  });
});
