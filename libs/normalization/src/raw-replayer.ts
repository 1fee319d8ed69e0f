import { randomUUID } from 'node:crypto';
import { RawHeaders, rawTopicName } from '@ajx/contracts';
import { type ConsumedMessage, toConsumed } from '@ajx/messaging';
import type { Kafka } from 'kafkajs';
import type { NormalizationPipeline, PipelineSummary } from './normalization.pipeline';
import { decodeRawMessage } from './raw-input';

export interface ReplaySelection {
  insurer: string;
  /** Only messages of this batch (by header). */
  batchId?: string;
  /** Message timestamps (when published to the raw topic) from … to, inclusive. */
  from?: Date;
  to?: Date;
}

export interface ReplayResult extends PipelineSummary {
  replayId: string;
  scanned: number;
  matched: number;
}

const SLICE = 500;

/**
 * Runs raw records of a batch or a time range through the current mapping again (`ajx replay`). The raw topic is
 * read with a throw-away consumer group from the offsets of `from` up to the end offsets taken at the start, so a
 * replay terminates and never sees records published after it began. Content that differs from what was accepted
 * becomes a correction; unchanged records are duplicates and change nothing.
 */
export class RawReplayer {
  constructor(
    private readonly kafka: Kafka,
    private readonly pipeline: NormalizationPipeline,
    private readonly topicPrefix = '',
  ) {}

  async replay(sel: ReplaySelection, onProgress?: (r: ReplayResult) => void): Promise<ReplayResult> {
    const replayId = `replay-${randomUUID()}`;
    const topic = this.topicPrefix + rawTopicName(sel.insurer);
    const admin = this.kafka.admin();
    await admin.connect();
    let starts: { partition: number; offset: string }[];
    let ends: { partition: number; offset: string }[];
    try {
      ends = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
      starts = sel.from
        ? await admin.fetchTopicOffsetsByTimestamp(topic, sel.from.getTime())
        : (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }));
    } finally {
      await admin.disconnect();
    }
    const result: ReplayResult = {
      replayId,
      scanned: 0,
      matched: 0,
      normalized: 0,
      duplicates: 0,
      corrections: 0,
      rejected: 0,
      byInsurer: {},
    };
    const endOf = new Map(ends.map((e) => [e.partition, BigInt(e.offset)]));
    const startOf = new Map(starts.map((s) => [s.partition, BigInt(s.offset)]));
    const pending = new Set(
      starts.filter((s) => BigInt(s.offset) < (endOf.get(s.partition) ?? 0n)).map((s) => s.partition),
    );
    if (pending.size === 0) return result;

    const groupId = `${this.topicPrefix}ajx.replay.${replayId}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    let finish!: () => void;
    let fail!: (err: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const seeked = new Promise<void>((resolve) => {
        const off = consumer.on(consumer.events.GROUP_JOIN, () => {
          off();
          for (const s of starts) consumer.seek({ topic, partition: s.partition, offset: s.offset });
          resolve();
        });
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          try {
            await seeked;
            const end = endOf.get(batch.partition) ?? 0n;
            const inRange: ConsumedMessage[] = [];
            const start = startOf.get(batch.partition) ?? 0n;
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset < start) continue; // fetched before the seek took effect
              if (offset >= end) break;
              result.scanned++;
              const ts = Number(m.timestamp);
              if (sel.from && ts < sel.from.getTime()) continue;
              if (sel.to && ts > sel.to.getTime()) continue;
              const c = toConsumed(batch.topic, batch.partition, m);
              if (sel.batchId && c.headers[RawHeaders.batchId] !== sel.batchId) continue;
              inRange.push(c);
            }
            for (let i = 0; i < inRange.length; i += SLICE) {
              const inputs = inRange.slice(i, i + SLICE).map((m) => decodeRawMessage(m, sel.insurer));
              const s = await this.pipeline.process(inputs, { replayId });
              result.matched += inputs.length;
              result.normalized += s.normalized;
              result.duplicates += s.duplicates;
              result.corrections += s.corrections;
              result.rejected += s.rejected;
              await payload.heartbeat();
              onProgress?.(result);
            }
            const last = batch.messages[batch.messages.length - 1];
            if (!last) return;
            payload.resolveOffset(last.offset);
            if (BigInt(last.offset) + 1n >= end) {
              pending.delete(batch.partition);
              consumer.pause([{ topic, partitions: [batch.partition] }]);
              if (pending.size === 0) finish();
            }
          } catch (err) {
            fail(err);
          }
        },
      });
      await done;
    } finally {
      await consumer.disconnect();
      const cleanup = this.kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    }
    return result;
  }
}
