import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';

/** A partition's offset: an end offset taken as a mark, or a committed one. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Messages of a partition before `end` that a group has not handled: what lies between its committed offset (or the
 * partition's first offset when it has none, or when retention removed what it had not read) and `end`, never < 0.
 */
export function unconsumed(end: string, low: string, committed: string | undefined): bigint {
  const from = committed !== undefined && BigInt(committed) > BigInt(low) ? BigInt(committed) : BigInt(low);
  const left = BigInt(end) - from;
  return left > 0n ? left : 0n;
}

/** The end offsets (high watermarks) of every partition of the topics, now. */
export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionOffset[]> {
  const marks: PartitionOffset[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) marks.push({ topic, partition: p.partition, offset: p.high });
  }
  return marks;
}

/** Messages before the marks the group has not handled and committed yet (all partitions together). */
export async function backlogBefore(admin: Admin, groupId: string, marks: readonly PartitionOffset[]): Promise<bigint> {
  const topics = [...new Set(marks.map((m) => m.topic))];
  const committed = await admin.fetchOffsets({ groupId, topics });
  let total = 0n;
  for (const topic of topics) {
    const lows = await admin.fetchTopicOffsets(topic);
    const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const mark of marks.filter((m) => m.topic === topic)) {
      const low = lows.find((l) => l.partition === mark.partition)?.low ?? '0';
      const offset = done.find((d) => d.partition === mark.partition)?.offset;
      // kafkajs says -1 for a partition the group never committed.
      total += unconsumed(mark.offset, low, offset !== undefined && BigInt(offset) >= 0n ? offset : undefined);
    }
  }
  return total;
}

export interface CatchUpOptions {
  kafka: Kafka;
  groupId: string;
  /** Full topic names (prefix included). */
  topics: readonly string[];
  /** Longest wait; then the caller goes on anyway (0: no wait at all). */
  timeoutMs: number;
  pollMs?: number;
  /** How often a wait still under way is logged. */
  logEveryMs?: number;
  /** Told the messages still to be handled at every poll (e.g. to set a gauge); null when Kafka did not answer. */
  onProgress?: (remaining: number | null) => void;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

export type CatchUpOutcome = 'caught-up' | 'timed-out' | 'stopped';

/**
 * Waits until a consumer group has handled (and committed) every message its topics held when the wait began: the
 * end offsets are marked first, then the group's committed offsets are polled until they reach the marks. Messages
 * produced later do not extend the wait. A broker that does not answer is retried until the timeout.
 */
export class ConsumerCatchUp {
  private readonly logger: Pick<Logger, 'log' | 'warn'>;
  private readonly stopper = new AbortController();

  constructor(private readonly o: CatchUpOptions) {
    this.logger = o.logger ?? new Logger(ConsumerCatchUp.name);
  }

  async wait(): Promise<CatchUpOutcome> {
    const { kafka, groupId, topics, timeoutMs } = this.o;
    if (timeoutMs === 0) return 'caught-up';
    const pollMs = this.o.pollMs ?? 500;
    const logEveryMs = this.o.logEveryMs ?? 10_000;
    const started = Date.now();
    let lastLog = started;
    let marks: PartitionOffset[] | null = null;
    let admin: Admin | null = null;
    try {
      for (;;) {
        if (this.stopper.signal.aborted) return 'stopped';
        let remaining: bigint | null = null;
        try {
          if (!admin) {
            admin = kafka.admin({ retry: { retries: 0 } });
            await admin.connect();
          }
          marks ??= await endOffsets(admin, topics);
          remaining = await backlogBefore(admin, groupId, marks);
        } catch (err) {
          this.logger.warn(
            `${groupId}: consumption progress not read (retrying): ${err instanceof Error ? err.message : String(err)}`,
          );
          await admin?.disconnect().catch(() => undefined);
          admin = null;
        }
        this.o.onProgress?.(remaining === null ? null : Number(remaining));
        if (remaining === 0n) return 'caught-up';
        const waited = Date.now() - started;
        if (waited >= timeoutMs) {
          this.logger.warn(
            `${groupId}: gave up waiting for the backlog after ${Math.round(waited / 1000)} s ` +
              `(${remaining === null ? 'unknown' : String(remaining)} messages left)`,
          );
          return 'timed-out';
        }
        if (Date.now() - lastLog >= logEveryMs) {
          lastLog = Date.now();
          this.logger.log(
            `${groupId}: still consuming the backlog of ${topics.join(', ')} after ${Math.round(waited / 1000)} s ` +
              `(${remaining === null ? 'unknown' : String(remaining)} messages left)`,
          );
        }
        await this.sleep(Math.min(pollMs, timeoutMs - waited));
      }
    } finally {
      await admin?.disconnect().catch(() => undefined);
    }
  }

  /** Ends a wait under way ('stopped'), e.g. at shutdown. */
  stop(): void {
    this.stopper.abort();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopper.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopper.signal.addEventListener('abort', done);
    });
  }
}
