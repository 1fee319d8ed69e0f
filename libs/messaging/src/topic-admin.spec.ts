import type { Kafka } from 'kafkajs';
import { TopicAdmin } from './topic-admin';

/**
 * On a cluster of several brokers, topics just created may be unknown to the broker asked for their metadata
 * (kafkajs: "This server does not host this topic-partition", not retried by its admin); ensure is idempotent and
 * tries again. A fake admin that answers so once.
 */
function fakeKafka(failures: number) {
  let creates = 0;
  const kafka = {
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      listTopics: () => Promise.resolve([]),
      createTopics: () => {
        creates++;
        if (creates <= failures) {
          const err = Object.assign(new Error('This server does not host this topic-partition'), {
            type: 'UNKNOWN_TOPIC_OR_PARTITION',
          });
          return Promise.reject(err);
        }
        return Promise.resolve(true);
      },
    }),
  } as unknown as Kafka;
  return { kafka, creates: () => creates };
}

const specs = [{ name: 'ajx.dlq.v1', partitions: 3, retentionMs: 1000, cleanupPolicy: 'delete' as const }];

describe('TopicAdmin.ensure', () => {
  it('tries again while a new cluster does not know the topics yet', async () => {
    const { kafka, creates } = fakeKafka(1);
    await expect(new TopicAdmin(kafka).ensure(specs)).resolves.toEqual({
      created: ['ajx.dlq.v1'],
      grown: [],
      reconfigured: [],
      unchanged: [],
    });
    expect(creates()).toBe(2);
  });

  it('does not hide any other error', async () => {
    const kafka = {
      admin: () => ({
        connect: () => Promise.resolve(),
        disconnect: () => Promise.resolve(),
        listTopics: () => Promise.reject(new Error('not authorized')),
      }),
    } as unknown as Kafka;
    await expect(new TopicAdmin(kafka).ensure(specs)).rejects.toThrow('not authorized');
  });
});
