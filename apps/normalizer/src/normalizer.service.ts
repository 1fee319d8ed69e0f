import { Injectable } from '@nestjs/common';
import { CommonConfig } from '@ajx/config';
import { insurerOfRawTopic } from '@ajx/contracts';
import type { MessageBatch } from '@ajx/messaging';
import { decodeRawMessage, NormalizationPipeline } from '@ajx/normalization';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Histogram } from 'prom-client';

/** Turns one slice of a raw partition into canonical events, rejects and store rows (see NormalizationPipeline). */
@Injectable()
export class NormalizerService {
  private readonly records: Counter;
  private readonly latency: Histogram;

  constructor(
    private readonly pipeline: NormalizationPipeline,
    private readonly config: CommonConfig,
    metrics: MetricsRegistry,
  ) {
    this.records = new Counter({
      name: 'ajx_normalizer_records_total',
      help: 'Raw records processed, by insurer and outcome',
      labelNames: ['insurer', 'outcome'],
      registers: [metrics],
    });
    this.latency = new Histogram({
      name: 'ajx_normalizer_accept_to_canonical_seconds',
      help: 'From gateway acceptance to the canonical event being stored',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [metrics],
    });
  }

  async handle(batch: MessageBatch): Promise<void> {
    const inputs = batch.messages.map((m) => {
      // The insurer comes from the topic, never from the message.
      const insurer = insurerOfRawTopic(m.topic, this.config.AJX_TOPIC_PREFIX);
      if (!insurer) throw new Error(`${m.topic} is not a raw topic`);
      return decodeRawMessage(m, insurer);
    });
    const summary = await this.pipeline.process(inputs);
    for (const [insurer, counts] of Object.entries(summary.byInsurer)) {
      for (const [outcome, n] of Object.entries({
        normalized: counts.normalized,
        duplicate: counts.duplicates,
        rejected: counts.rejected,
      })) {
        if (n) this.records.inc({ insurer, outcome }, n);
      }
    }
    const now = Date.now();
    for (const i of inputs) this.latency.observe((now - i.acceptedAt.getTime()) / 1000);
  }
}
