import type { Kafka } from 'kafkajs';
import { ConsumerCatchUp, unconsumed } from './consumer-catch-up';

const quiet = { log: () => undefined, warn: () => undefined };

/** A fake admin: one topic of two partitions ending at 10 and 5; the group's committed offsets move as told. */
function fakeKafka(committed: () => (string | undefined)[], fail = false) {
  const kafka = {
    admin: () => ({
      connect: () => (fail ? Promise.reject(new Error('broker down')) : Promise.resolve()),
      disconnect: () => Promise.resolve(),
      fetchTopicOffsets: () =>
        Promise.resolve([
          { partition: 0, offset: '10', high: '10', low: '0' },
          { partition: 1, offset: '5', high: '5', low: '2' },
        ]),
      fetchOffsets: () =>
        Promise.resolve([
          {
            topic: 't',
            partitions: committed().map((offset, partition) => ({ partition, offset: offset ?? '-1' })),
          },
        ]),
    }),
  } as unknown as Kafka;
  return kafka;
}

describe('unconsumed', () => {
  it('counts from the committed offset, or the first one when none (or retention removed it)', () => {
    expect(unconsumed('10', '0', '4')).toBe(6n);
    expect(unconsumed('10', '3', undefined)).toBe(7n);
    expect(unconsumed('10', '8', '4')).toBe(2n);
    expect(unconsumed('10', '0', '12')).toBe(0n);
  });
});

describe('ConsumerCatchUp', () => {
  it('waits until the group committed the end offsets marked at the start, reporting progress', async () => {
    const seen: (number | null)[] = [];
    let polls = 0;
    const kafka = fakeKafka(() => (++polls < 3 ? ['4', undefined] : ['10', '5']));
    const outcome = await new ConsumerCatchUp({
      kafka,
      groupId: 'g',
      topics: ['t'],
      timeoutMs: 5000,
      pollMs: 5,
      logger: quiet,
      onProgress: (n) => seen.push(n),
    }).wait();
    expect(outcome).toBe('caught-up');
    expect(seen).toEqual([9, 9, 0]);
  });

  it('gives up after the timeout when Kafka does not answer', async () => {
    const seen: (number | null)[] = [];
    const catchUp = new ConsumerCatchUp({
      kafka: fakeKafka(() => [], true),
      groupId: 'g',
      topics: ['t'],
      timeoutMs: 50,
      pollMs: 10,
      logger: quiet,
      onProgress: (n) => seen.push(n),
    });
    await expect(catchUp.wait()).resolves.toBe('timed-out');
    expect(seen.every((n) => n === null)).toBe(true);
  });

  it('ends a wait when stopped, and does not wait at all with a timeout of 0', async () => {
    const kafka = fakeKafka(() => ['0', '0']);
    const catchUp = new ConsumerCatchUp({ kafka, groupId: 'g', topics: ['t'], timeoutMs: 60_000, logger: quiet });
    const waiting = catchUp.wait();
    setTimeout(() => catchUp.stop(), 20);
    await expect(waiting).resolves.toBe('stopped');
    const none = new ConsumerCatchUp({ kafka, groupId: 'g', topics: ['t'], timeoutMs: 0, logger: quiet });
    await expect(none.wait()).resolves.toBe('caught-up');
  });
});
