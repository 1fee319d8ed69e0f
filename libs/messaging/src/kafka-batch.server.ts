import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { lastValueFrom } from 'rxjs';
import { unconsumed } from './consumer-catch-up';
import { type ConsumedMessage, type MessageBatch, nextOffset, toConsumed } from './message';

export interface BatchSubscription {
  /** The `@EventPattern` the handler is registered under. */
  pattern: string;
  /** Full topic names (prefix included) or patterns. */
  topics: (string | RegExp)[];
}

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  groupId: string;
  subscriptions: BatchSubscription[];
  /** Partitions processed in parallel by this member. */
  partitionsConsumedConcurrently?: number;
  /** Upper bound of messages handed to one handler call; a fetched batch is split into such slices. */
  maxMessagesPerCall?: number;
  /** How long the first partition's slice waits for the others of the same fetch before the handler runs. */
  coalesceMs?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /** Fetches: bytes the broker waits for, and how long at most (kafkajs minBytes, maxWaitTimeInMs). */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** Where a new group starts; the hub's groups start at the beginning so nothing is skipped. */
  fromBeginning?: boolean;
  retry?: { initialMs: number; maxMs: number };
  /** Where to record slice sizes and processing times (Prometheus). */
  metrics?: Registry;
}

/** One partition's slice waiting to be handled together with others fetched at the same time. */
interface Contribution {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  lastOffset: string;
  payload: EachBatchPayload;
  done: (handledAndCommitted: boolean) => void;
}

/** Thrown by a handler to say the batch cannot succeed now but may later (the transport backs off and retries). */
export class TransientError extends Error {}

/**
 * A NestJS transport that hands handlers whole batches instead of single messages (the stock Kafka transport
 * is one message at a time). Offsets are committed only after the handler resolved, i.e. after its outputs
 * were acknowledged; a handler error is retried with backoff on the same slice so a partition never skips.
 * Poison messages are the handler's business: it must route them (DLQ) rather than throw.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchServer.name);
  private consumer: Consumer | null = null;
  private closing = false;
  private joined: Promise<void> | null = null;

  private readonly queues = new Map<string, { waiting: Contribution[]; timer: NodeJS.Timeout | null }>();
  private readonly sliceSeconds?: Histogram;
  private readonly sliceMessages?: Histogram;
  private readonly restarts?: Counter;
  private lagAdmin: Admin | null = null;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    if (options.metrics) {
      this.sliceSeconds = new Histogram({
        name: 'ajx_consumer_slice_seconds',
        help: 'Time to handle one slice of a partition, commit included',
        labelNames: ['group'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [options.metrics],
      });
      this.restarts = new Counter({
        name: 'ajx_consumer_restarts_total',
        help: 'Consumers started again by the transport after kafkajs gave up on them (a non-retriable error)',
        labelNames: ['group'],
        registers: [options.metrics],
      });
      this.sliceMessages = new Histogram({
        name: 'ajx_consumer_slice_messages',
        help: 'Messages in one handled slice',
        labelNames: ['group'],
        buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
        registers: [options.metrics],
      });
      // Read from the broker at scrape time: the group's committed offsets against the partitions' end offsets.
      const server = this; // eslint-disable-line @typescript-eslint/no-this-alias -- prom-client calls collect with the gauge as `this`
      new Gauge({
        name: 'ajx_kafka_consumer_lag',
        help: 'Messages not yet handled and committed by the consumer group, per partition (end offset − committed)',
        labelNames: ['group', 'topic', 'partition'],
        registers: [options.metrics],
        async collect() {
          await server.collectLag(this);
        },
      });
    }
  }

  /** Sets the lag of every partition of the subscribed topics; a broker that does not answer leaves the last values. */
  private async collectLag(gauge: Gauge): Promise<void> {
    const { kafka, groupId, subscriptions } = this.options;
    try {
      await withTimeout(
        (async () => {
          if (!this.lagAdmin) {
            const admin = kafka.admin({ retry: { retries: 0 } });
            await admin.connect();
            this.lagAdmin = admin;
          }
          const admin = this.lagAdmin;
          const patterns = subscriptions.flatMap((s) => s.topics);
          const topics = (await admin.listTopics()).filter((t) =>
            patterns.some((p) => (typeof p === 'string' ? p === t : p.test(t))),
          );
          if (topics.length === 0) return;
          const committed = await admin.fetchOffsets({ groupId, topics });
          for (const topic of topics) {
            const ends = await admin.fetchTopicOffsets(topic);
            const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
            for (const p of ends) {
              const offset = done.find((d) => d.partition === p.partition)?.offset ?? '-1';
              const lag = unconsumed(p.high, p.low, BigInt(offset) >= 0n ? offset : undefined);
              gauge.set({ group: groupId, topic, partition: String(p.partition) }, Number(lag));
            }
          }
        })(),
        5000,
      );
    } catch (err) {
      this.logger.debug(`consumer lag not read: ${err instanceof Error ? err.message : String(err)}`);
      const admin = this.lagAdmin;
      this.lagAdmin = null;
      await admin?.disconnect().catch(() => undefined);
    }
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const o = this.options;
    for (const s of o.subscriptions) {
      if (!this.getHandlerByPattern(s.pattern)) throw new Error(`no @EventPattern('${s.pattern}') handler registered`);
    }
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs ?? 30000,
      heartbeatInterval: Math.max(500, Math.floor((o.sessionTimeoutMs ?? 30000) / 10)),
      maxBytesPerPartition: o.maxBytesPerPartition ?? 1048576,
      minBytes: o.fetchMinBytes ?? 1,
      maxWaitTimeInMs: o.fetchMaxWaitMs ?? 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    // kafkajs restarts a crashed consumer only after a retriable error; after a non-retriable one (e.g. "Failed to find
    // group coordinator" while the brokers are away) it leaves it disconnected and the process would go on consuming
    // nothing. The transport starts a new one instead.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.closing || this.consumer !== consumer) return;
      void this.restartAfterCrash(consumer, payload.error);
    });
    this.joined = new Promise((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: o.subscriptions.flatMap((s) => s.topics),
      fromBeginning: o.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Starts a new consumer in place of one kafkajs gave up on, retrying with backoff until it runs or we close. */
  private async restartAfterCrash(crashed: Consumer, error: Error): Promise<void> {
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 200, maxMs: 30000 };
    this.logger.error(`consumer of ${this.options.groupId} crashed and was not restarted by kafkajs: ${error.message}`);
    await crashed.disconnect().catch(() => undefined);
    let delay = Math.max(1000, initialMs);
    for (let attempt = 1; !this.closing && this.consumer === crashed; attempt++) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closing || this.consumer !== crashed) return;
      try {
        await this.start();
        this.restarts?.inc({ group: this.options.groupId });
        this.logger.warn(`consumer of ${this.options.groupId} started again (attempt ${attempt})`);
        return;
      } catch (err) {
        this.logger.error(`consumer of ${this.options.groupId} did not start again: ${(err as Error).message}`);
        const failed = this.consumer;
        if (failed && failed !== crashed) await failed.disconnect().catch(() => undefined);
        this.consumer = crashed; // keeps this loop the only one restarting
        delay = Math.min(maxMs, delay * 2);
      }
    }
  }

  /** Resolves once the consumer has joined its group and been assigned partitions (tests wait on this). */
  async waitForJoin(timeoutMs = 30000): Promise<void> {
    if (!this.joined) throw new Error('consumer not started');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.joined,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('consumer did not join its group in time')), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private patternOf(topic: string): string {
    const sub = this.options.subscriptions.find((s) =>
      s.topics.some((t) => (typeof t === 'string' ? t === topic : t.test(topic))),
    );
    if (!sub) throw new Error(`no subscription covers topic ${topic}`);
    return sub.pattern;
  }

  /**
   * kafkajs calls eachBatch once per partition; the slices of partitions fetched together are coalesced into one
   * handler call (one transaction instead of one per partition), then their offsets are committed together.
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const pattern = this.patternOf(batch.topic);
    const size = this.options.maxMessagesPerCall ?? 1000;
    for (let i = 0; i < batch.messages.length; i += size) {
      const slice = batch.messages.slice(i, i + size);
      const handled = await new Promise<boolean>((done) =>
        this.enqueue(pattern, {
          topic: batch.topic,
          partition: batch.partition,
          messages: slice.map((m) => toConsumed(batch.topic, batch.partition, m)),
          lastOffset: slice[slice.length - 1].offset,
          payload,
          done,
        }),
      );
      if (!handled) return; // stopping or rebalanced: the unresolved rest is fetched again by whoever owns it
      payload.resolveOffset(slice[slice.length - 1].offset);
      await payload.heartbeat();
    }
  }

  private enqueue(pattern: string, c: Contribution): void {
    let q = this.queues.get(pattern);
    if (!q) this.queues.set(pattern, (q = { waiting: [], timer: null }));
    q.waiting.push(c);
    // Partitions of the same fetch arrive within the same few milliseconds.
    q.timer ??= setTimeout(() => {
      q.timer = null;
      void this.flush(pattern, q.waiting.splice(0));
    }, this.options.coalesceMs ?? 3);
  }

  private async flush(pattern: string, all: Contribution[]): Promise<void> {
    const max = this.options.maxMessagesPerCall ?? 1000;
    for (let i = 0; i < all.length;) {
      const group: Contribution[] = [];
      let count = 0;
      while (i < all.length && (group.length === 0 || count + all[i].messages.length <= max)) {
        count += all[i].messages.length;
        group.push(all[i++]);
      }
      await this.handleGroup(pattern, group, count);
    }
  }

  private async handleGroup(pattern: string, group: Contribution[], count: number): Promise<void> {
    const started = process.hrtime.bigint();
    const live = (c: Contribution) => c.payload.isRunning() && !c.payload.isStale() && !this.closing;
    const heartbeat = () => group[0].payload.heartbeat();
    try {
      const handler = this.getHandlerByPattern(pattern);
      if (!handler) throw new Error(`no handler for ${pattern}`);
      const messageBatch: MessageBatch = { messages: group.flatMap((c) => c.messages), heartbeat };
      const where = group.map((c) => `${c.topic}[${c.partition}]@${c.messages[0].offset}`).join(', ');
      const done = await this.invokeWithRetry(
        async () => {
          const ctx = new BaseRpcContext([pattern]);
          await lastValueFrom(this.transformToObservable(await handler(messageBatch, ctx)), {
            defaultValue: undefined,
          });
        },
        heartbeat,
        () => group.some(live),
        where,
      );
      const committable = done ? group.filter(live) : [];
      if (committable.length) {
        await this.consumer!.commitOffsets(
          committable.map((c) => ({ topic: c.topic, partition: c.partition, offset: nextOffset(c.lastOffset) })),
        );
      }
      const labels = { group: this.options.groupId };
      this.sliceSeconds?.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      this.sliceMessages?.observe(labels, count);
      for (const c of group) c.done(committable.includes(c));
    } catch (err) {
      this.logger.error(`could not commit after handling: ${err instanceof Error ? err.message : String(err)}`);
      for (const c of group) c.done(false);
    }
  }

  private async invokeWithRetry(
    run: () => Promise<void>,
    heartbeat: () => Promise<void>,
    canContinue: () => boolean,
    where: string,
  ): Promise<boolean> {
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 200, maxMs: 30000 };
    let delay = initialMs;
    for (let attempt = 1; ; attempt++) {
      if (!canContinue()) return false;
      try {
        await run();
        return true;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.logger.warn(`handler failed for ${where} (attempt ${attempt}), retrying in ${delay} ms: ${reason}`);
      }
      const until = Date.now() + delay;
      while (Date.now() < until) {
        if (!canContinue()) return false;
        await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
        await heartbeat().catch(() => undefined);
      }
      delay = Math.min(maxMs, delay * 2);
    }
  }

  on(): void {
    // Consumer events are observed through unwrap() when needed.
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('consumer not started');
    return this.consumer as T;
  }

  async close(): Promise<void> {
    this.closing = true;
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect();
    const admin = this.lagAdmin;
    this.lagAdmin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
