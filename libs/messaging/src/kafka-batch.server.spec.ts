import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { KafkaBatchServer } from './kafka-batch.server';

/** A kafkajs consumer stand-in: records its calls and lets the test emit its instrumentation events. */
class FakeConsumer extends EventEmitter {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  running = false;
  disconnected = false;
  constructor(private readonly failConnect: boolean) {
    super();
  }
  override on(event: string, listener: (e: unknown) => void): this & (() => void) {
    super.on(event, listener);
    return Object.assign(() => this.off(event, listener), this);
  }
  async connect() {
    if (this.failConnect) throw new Error('broker still away');
  }
  async subscribe() {}
  async run() {
    this.running = true;
  }
  async disconnect() {
    this.disconnected = true;
    this.running = false;
  }
  crash(restart: boolean) {
    this.running = false;
    this.emit(this.events.CRASH, { payload: { error: new Error('Failed to find group coordinator'), restart } });
  }
}

function fakeKafka(failingConnects = 0) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const c = new FakeConsumer(consumers.length > 0 && consumers.length <= failingConnects);
      consumers.push(c);
      return c;
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}

async function started(kafka: Kafka): Promise<KafkaBatchServer> {
  const server = new KafkaBatchServer({
    kafka,
    groupId: 'g',
    subscriptions: [{ pattern: 'p', topics: ['t'] }],
    retry: { initialMs: 1, maxMs: 4 },
  });
  server.addHandler('p', async () => undefined, true);
  await new Promise<void>(
    (resolve, reject) =>
      void server.listen((err) => (err ? reject(err instanceof Error ? err : new Error('listen failed')) : resolve())),
  );
  return server;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
};

describe('KafkaBatchServer after kafkajs gives up on its consumer', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('starts a new consumer when kafkajs will not restart the crashed one (a non-retriable error)', async () => {
    const { kafka, consumers } = fakeKafka();
    const server = await started(kafka);
    consumers[0].crash(false);
    await until(() => consumers.length === 2 && consumers[1].running);
    expect(consumers[0].disconnected).toBe(true);
    await server.close();
  });

  it('keeps trying until the new consumer connects', async () => {
    const { kafka, consumers } = fakeKafka(2);
    const server = await started(kafka);
    consumers[0].crash(false);
    await until(() => consumers.length === 4 && consumers[3].running);
    expect(consumers.slice(1, 3).every((c) => c.disconnected)).toBe(true);
    await server.close();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, and does nothing once closed', async () => {
    const { kafka, consumers } = fakeKafka();
    const server = await started(kafka);
    consumers[0].crash(true);
    await new Promise((r) => setTimeout(r, 1200));
    expect(consumers).toHaveLength(1);
    await server.close();
    consumers[0].crash(false);
    await new Promise((r) => setTimeout(r, 1200));
    expect(consumers).toHaveLength(1);
  });
});
