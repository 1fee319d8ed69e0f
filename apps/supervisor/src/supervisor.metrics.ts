import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The supervisor's Prometheus metrics (docs/operations.md lists them). */
@Injectable()
export class SupervisorMetrics {
  readonly versions: Counter;
  readonly skipped: Counter;
  readonly changes: Counter;
  readonly evaluationSeconds: Histogram;
  readonly fullRuns: Counter;
  readonly published: Counter;
  readonly unpublished: Gauge;
  readonly startBacklog: Gauge;

  constructor(registry: MetricsRegistry) {
    this.versions = new Counter({
      name: 'ajx_supervisor_versions_total',
      help: 'Record versions received from the canonical topic, by outcome (new, duplicate)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.skipped = new Counter({
      name: 'ajx_supervisor_skipped_messages_total',
      help: 'Canonical events the rules cannot read (a field they need is invalid): skipped',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.changes = new Counter({
      name: 'ajx_supervisor_finding_changes_total',
      help: 'Finding changes written by evaluations, by change (opened, updated, resolved)',
      labelNames: ['change'],
      registers: [registry],
    });
    this.evaluationSeconds = new Histogram({
      name: 'ajx_supervisor_evaluation_seconds',
      help: 'Time of one evaluation transaction (a consumed batch, or a chunk of a full evaluation)',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    });
    this.fullRuns = new Counter({
      name: 'ajx_supervisor_full_evaluations_total',
      help: 'Full evaluations of every enterprise, by reason (start, daily, register, operator) and outcome',
      labelNames: ['reason', 'outcome'],
      registers: [registry],
    });
    this.published = new Counter({
      name: 'ajx_supervisor_findings_published_total',
      help: 'Finding versions published to ajx.findings.v1',
      registers: [registry],
    });
    this.unpublished = new Gauge({
      name: 'ajx_supervisor_findings_unpublished',
      help: 'Finding versions waiting to be published (last seen by the publisher)',
      registers: [registry],
    });
    this.startBacklog = new Gauge({
      name: 'ajx_supervisor_start_backlog',
      help: 'Canonical messages present at start not yet handled, while full evaluations wait for them (0 after)',
      registers: [registry],
    });
  }
}
