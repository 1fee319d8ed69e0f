import { createHash } from 'node:crypto';
import {
  adapterBatchId,
  type CanonicalEvent,
  encodeCanonicalEventMessage,
  encodeDlqMessage,
  kindOfEvent,
  type RecordReject,
  stableJson,
  Topics,
} from '@ajx/contracts';
import {
  CanonicalStoreRepository,
  type DlqEntryInput,
  type RecordOutcome,
  type StoredEvent,
  type StoreWrite,
} from '@ajx/canonical-store';
import type { Normalizer } from '@ajx/domain';
import { EventProducer, type OutgoingMessage } from '@ajx/messaging';
import type { RawInput } from './raw-input';

export interface PipelineMode {
  /** Set by `ajx replay`: a changed content for an accepted version is a correction, not a conflict. */
  replayId?: string;
}

export interface PipelineSummary {
  normalized: number;
  duplicates: number;
  corrections: number;
  rejected: number;
  byInsurer: Record<string, { normalized: number; duplicates: number; corrections: number; rejected: number }>;
}

/** The content an event id stands for: its type, business time and data (not transport attributes). */
export function contentHash(e: CanonicalEvent): Buffer {
  return createHash('sha256')
    .update(stableJson({ type: e.type, time: e.time, data: e.data }))
    .digest();
}

type Classified =
  | { input: RawInput; kind: 'new' | 'correction'; event: CanonicalEvent; hash: Buffer; previousHash?: Buffer }
  | { input: RawInput; kind: 'duplicate'; event: CanonicalEvent }
  | { input: RawInput; kind: 'rejected'; reject: RecordReject };

/**
 * raw records → canonical events, DLQ and the canonical store, for one slice of one partition.
 *
 * Order of effects: classify against the store, produce (canonical + DLQ) and wait for the acks, then write the
 * store, outcomes and DLQ state in one transaction. The caller commits the Kafka offsets afterwards. A crash
 * before the store write re-produces the same events on redelivery (consumers deduplicate by event id and
 * content); a crash after it finds them stored and produces nothing: nothing is lost, nothing changes twice.
 */
export class NormalizationPipeline {
  constructor(
    private readonly normalizer: Normalizer,
    private readonly store: CanonicalStoreRepository,
    private readonly producer: EventProducer,
  ) {}

  async process(inputs: readonly RawInput[], mode: PipelineMode = {}): Promise<PipelineSummary> {
    const classified = await this.classify(inputs, mode);
    await this.produce(classified, mode);
    await this.store.write(this.storeWrite(classified, mode));
    return summarize(classified);
  }

  private async classify(inputs: readonly RawInput[], mode: PipelineMode): Promise<Classified[]> {
    const results = inputs.map((input) => {
      if (!input.raw) {
        const reject: RecordReject = {
          recordIndex: input.recordIndex ?? 0,
          code: 'MALFORMED_RECORD',
          message: input.invalid ?? 'unreadable',
          sourceId: null,
        };
        return { input, result: { ok: false as const, reject } };
      }
      return { input, result: this.normalizer.normalize(input.insurer, input.raw) };
    });
    const ids = results.flatMap((r) => (r.result.ok ? [r.result.event.id] : []));
    const existing = await this.store.existing([...new Set(ids)]);
    // Within the slice, the first occurrence of an id stands for the store's view of it.
    const seen = new Map<string, Buffer>();
    return results.map(({ input, result }): Classified => {
      if (!result.ok) return { input, kind: 'rejected', reject: result.reject };
      const event = result.event;
      const hash = contentHash(event);
      const known = seen.get(event.id) ?? existing.get(event.id)?.contentHash;
      seen.set(event.id, hash);
      if (!known) return { input, kind: 'new', event, hash };
      if (known.equals(hash)) return { input, kind: 'duplicate', event };
      if (mode.replayId) return { input, kind: 'correction', event, hash, previousHash: known };
      seen.set(event.id, known);
      return {
        input,
        kind: 'rejected',
        reject: {
          recordIndex: input.recordIndex ?? 0,
          code: 'VERSION_CONFLICT',
          message: `${event.subject} version ${event.sourceversion} was already accepted with different content; send a higher version`,
          sourceId: event.subject,
        },
      };
    });
  }

  private async produce(items: Classified[], mode: PipelineMode): Promise<void> {
    const canonical: OutgoingMessage[] = [];
    const dlq: OutgoingMessage[] = [];
    for (const c of items) {
      if (c.kind === 'new' || c.kind === 'correction') {
        canonical.push(
          encodeCanonicalEventMessage({
            event: c.event,
            acceptedAt: c.input.acceptedAt,
            correction: c.kind === 'correction',
          }),
        );
      } else if (c.kind === 'rejected') {
        dlq.push(
          encodeDlqMessage({
            key: c.reject.sourceId ?? c.input.key,
            value: c.input.value,
            code: c.reject.code,
            message: c.reject.message,
            insurer: c.input.insurer,
            batchId: c.input.batchId,
            recordIndex: c.input.recordIndex,
            source: { topic: c.input.topic, partition: c.input.partition, offset: c.input.offset },
            rejectedAt: new Date(),
            replayId: mode.replayId ?? null,
          }),
        );
      }
    }
    await this.producer.send([
      { topic: Topics.canonical, messages: canonical },
      { topic: Topics.dlq, messages: dlq },
    ]);
  }

  private storeWrite(items: Classified[], mode: PipelineMode): StoreWrite {
    const w: StoreWrite = { inserts: [], corrections: [], outcomes: [], dlq: [], resolved: [], batches: [] };
    const announced = new Set<string>();
    for (const c of items) {
      // An adapter's batch, announced on its records: registered once per slice, for the batch id the insurer's
      // adapter derives from the file (a batch id of another insurer's, or of an upload, is never registered).
      const b = c.input.batch;
      if (b && c.input.batchId && !announced.has(c.input.batchId)) {
        announced.add(c.input.batchId);
        if (adapterBatchId(c.input.insurer, b.sha256) === c.input.batchId) {
          w.batches!.push({ ...b, batchId: c.input.batchId, insurer: c.input.insurer, acceptedAt: c.input.acceptedAt });
        }
      }
      const index = c.input.recordIndex;
      const outcomeBase = { batchId: c.input.batchId, recordIndex: index };
      if (c.kind === 'rejected') {
        w.dlq.push(dlqEntry(c.input, c.reject));
        if (outcomeBase.batchId && index !== null) {
          w.outcomes.push({
            ...(outcomeBase as RecordOutcome),
            outcome: 'rejected',
            code: c.reject.code,
            message: c.reject.message,
            sourceId: c.reject.sourceId,
            eventId: null,
          });
        }
        continue;
      }
      if (c.kind === 'new') w.inserts.push(stored(c.input, c.event, c.hash));
      if (c.kind === 'correction') {
        w.corrections.push({
          ...stored(c.input, c.event, c.hash),
          previousHash: c.previousHash!,
          replayId: mode.replayId ?? null,
        });
      }
      if (outcomeBase.batchId && index !== null) {
        w.outcomes.push({
          batchId: outcomeBase.batchId,
          recordIndex: index,
          outcome: c.kind === 'duplicate' ? 'duplicate' : 'normalized',
          code: null,
          message: null,
          sourceId: c.event.subject,
          eventId: c.event.id,
        });
        w.resolved.push({ batchId: outcomeBase.batchId, recordIndex: index, eventId: c.event.id });
      }
    }
    return w;
  }
}

function stored(input: RawInput, e: CanonicalEvent, hash: Buffer): StoredEvent {
  return {
    eventId: e.id,
    insurer: e.insurer,
    kind: kindOfEvent(e),
    subject: e.subject,
    version: e.sourceversion,
    type: e.type,
    uscc: e.uscc,
    region: e.region,
    sector: e.sector,
    businessTime: e.time,
    data: e.data,
    contentHash: hash,
    acceptedAt: input.acceptedAt,
    batchId: input.batchId,
    recordIndex: input.recordIndex,
  };
}

function dlqEntry(input: RawInput, reject: RecordReject): DlqEntryInput {
  return {
    insurer: input.insurer,
    batchId: input.batchId,
    recordIndex: input.recordIndex,
    sourceId: reject.sourceId,
    code: reject.code,
    message: reject.message,
    rawValue: input.value,
    sourceTopic: input.topic,
    sourcePartition: input.partition,
    sourceOffset: input.offset,
    acceptedAt: input.acceptedAt,
  };
}

function summarize(items: Classified[]): PipelineSummary {
  const s: PipelineSummary = { normalized: 0, duplicates: 0, corrections: 0, rejected: 0, byInsurer: {} };
  for (const c of items) {
    const per = (s.byInsurer[c.input.insurer] ??= { normalized: 0, duplicates: 0, corrections: 0, rejected: 0 });
    const key =
      c.kind === 'new'
        ? 'normalized'
        : c.kind === 'duplicate'
          ? 'duplicates'
          : c.kind === 'correction'
            ? 'corrections'
            : 'rejected';
    s[key]++;
    per[key]++;
  }
  return s;
}
