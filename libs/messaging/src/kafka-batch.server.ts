import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { type MessageBatch, nextOffset, toConsumed } from './message';

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
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /** Where a new group starts; the hub's groups start at the beginning so nothing is skipped. */
  fromBeginning?: boolean;
  retry?: { initialMs: number; maxMs: number };
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

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
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
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
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

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const handler = this.getHandlerByPattern(this.patternOf(batch.topic));
    if (!handler) throw new Error(`no handler for ${batch.topic}`);
    const size = this.options.maxMessagesPerCall ?? 1000;
    for (let i = 0; i < batch.messages.length; i += size) {
      const slice = batch.messages.slice(i, i + size);
      const messageBatch: MessageBatch = {
        topic: batch.topic,
        partition: batch.partition,
        messages: slice.map((m) => toConsumed(batch.topic, batch.partition, m)),
        heartbeat,
      };
      const done = await this.invokeWithRetry(
        async () => {
          const ctx = new BaseRpcContext([batch.topic, batch.partition]);
          await lastValueFrom(this.transformToObservable(await handler(messageBatch, ctx)), {
            defaultValue: undefined,
          });
        },
        heartbeat,
        () => payload.isRunning() && !payload.isStale() && !this.closing,
        `${batch.topic}[${batch.partition}]@${slice[0].offset}`,
      );
      if (!done) return; // stopping or rebalanced: the unresolved rest is fetched again by whoever owns it
      const last = slice[slice.length - 1].offset;
      await this.consumer!.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: nextOffset(last) },
      ]);
      payload.resolveOffset(last);
      await heartbeat();
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
  }
}
