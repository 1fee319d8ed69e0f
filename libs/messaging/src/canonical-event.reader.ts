import { Logger } from '@nestjs/common';
import {
  type CanonicalEventMessage,
  type CanonicalSkipReason,
  readCanonicalEventMessage,
  RECORD_KINDS,
  type RecordKind,
} from '@ajx/contracts';
import { Counter, type Registry } from 'prom-client';
import type { ConsumedMessage } from './message';

export const CANONICAL_SKIPPED_METRIC = 'ajx_canonical_events_skipped_total';
/** A skip of a newer standard's event is logged the first time per dataschema, then once every this many. */
export const SKIP_LOG_EVERY = 1000;

export interface CanonicalEventReaderOptions {
  /** Who reads (the metric's `consumer` label): `router` … */
  consumer: string;
  /** The kinds this consumer handles (default: every kind of this release). */
  kinds?: readonly RecordKind[];
  metrics: Registry;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * How a consumer of `ajx.canonical.v1` reads it (schema evolution, docs/data-standard.md): events of a kind or a
 * schema version the consumer does not know are skipped — counted in `ajx_canonical_events_skipped_total{consumer,
 * reason}` and logged (the first of each dataschema, then every {@link SKIP_LOG_EVERY}th) — and so are messages that
 * do not decode (`reason="invalid"`, logged as errors: only the normaliser writes the topic). A skipped message is
 * never thrown: the slice is handled and committed, so no event of a newer standard can stall the consumer.
 */
export class CanonicalEventReader {
  readonly kinds: readonly RecordKind[];
  private readonly skipped: Counter<'consumer' | 'reason'>;
  private readonly logger: Pick<Logger, 'warn' | 'error'>;
  private readonly seen = new Map<string, number>();

  constructor(private readonly o: CanonicalEventReaderOptions) {
    this.kinds = o.kinds ?? RECORD_KINDS;
    this.logger = o.logger ?? new Logger(CanonicalEventReader.name);
    this.skipped =
      (o.metrics.getSingleMetric(CANONICAL_SKIPPED_METRIC) as Counter<'consumer' | 'reason'> | undefined) ??
      new Counter({
        name: 'ajx_canonical_events_skipped_total', // CANONICAL_SKIPPED_METRIC, written out for the metric catalogue's check
        help: 'Canonical messages a consumer skipped: a kind or schema version it does not know, or not decodable',
        labelNames: ['consumer', 'reason'],
        registers: [o.metrics],
      });
  }

  /** The event, or null when the message is skipped (counted and logged). */
  read(m: ConsumedMessage): CanonicalEventMessage | null {
    const r = readCanonicalEventMessage(m, this.kinds);
    if (r.ok) return r.message;
    this.skip(m, r.reason, r.dataschema, r.detail);
    return null;
  }

  private skip(m: ConsumedMessage, reason: CanonicalSkipReason, dataschema: string | null, detail: string): void {
    this.skipped.inc({ consumer: this.o.consumer, reason });
    const where = `${m.topic}[${m.partition}]@${m.offset}`;
    if (reason === 'invalid') {
      this.logger.error(`${this.o.consumer}: skipping unreadable canonical message ${where}: ${detail}`);
      return;
    }
    const key = `${reason}\u0000${dataschema ?? ''}`;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    if (n === 1 || n % SKIP_LOG_EVERY === 0)
      this.logger.warn(
        `${this.o.consumer}: skipping ${dataschema ?? 'an event'} (${reason}: ${detail}) at ${where}` +
          (n > 1 ? `; ${n} such events skipped so far` : ''),
      );
  }
}
