import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Gauge } from 'prom-client';

/** Prometheus metrics of the interchange service (label `endpoint` is the endpoint id). */
@Injectable()
export class InterchangeMetrics {
  readonly batches: Counter<'endpoint' | 'mode' | 'status'>;
  readonly entries: Counter<'endpoint' | 'mode'>;
  readonly failedAttempts: Counter<'endpoint'>;
  readonly halts: Counter<'endpoint'>;
  readonly manifests: Counter<'endpoint' | 'status'>;
  readonly watermark: Gauge<'endpoint'>;
  readonly halted: Gauge<'endpoint'>;
  readonly holding: Gauge<'endpoint'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics];
    this.batches = new Counter({
      name: 'ajx_interchange_batches_total',
      help: 'Batches acknowledged by provincial systems (status accepted or already-accepted)',
      labelNames: ['endpoint', 'mode', 'status'],
      registers,
    });
    this.entries = new Counter({
      name: 'ajx_interchange_entries_total',
      help: 'Entries in acknowledged batches',
      labelNames: ['endpoint', 'mode'],
      registers,
    });
    this.failedAttempts = new Counter({
      name: 'ajx_interchange_failed_attempts_total',
      help: 'Delivery attempts that got no acknowledgement and were retried',
      labelNames: ['endpoint'],
      registers,
    });
    this.halts = new Counter({
      name: 'ajx_interchange_halts_total',
      help: 'Deliveries halted (retrying unchanged cannot succeed; an operator must act)',
      labelNames: ['endpoint'],
      registers,
    });
    this.manifests = new Counter({
      name: 'ajx_interchange_manifests_total',
      help: 'Daily manifests delivered, by verdict (match, mismatch) or failed',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.watermark = new Gauge({
      name: 'ajx_interchange_watermark',
      help: 'Highest canonical seq the provincial system acknowledged',
      labelNames: ['endpoint'],
      registers,
    });
    this.halted = new Gauge({
      name: 'ajx_interchange_halted',
      help: '1 while the endpoint is halted (an operator must act; nothing is dropped), else 0',
      labelNames: ['endpoint'],
      registers,
    });
    this.holding = new Gauge({
      name: 'ajx_interchange_endpoint_active',
      help: '1 when this instance holds the endpoint (sends for it), 0 on standby',
      labelNames: ['endpoint'],
      registers,
    });
  }
}
