import { Injectable, Logger } from '@nestjs/common';
import { type CanonicalEvent, decodeCanonicalEventMessage, kindOfEvent } from '@ajx/contracts';
import { DeptProjectionWriter } from '@ajx/dept-store';
import type { ConsumedMessage, MessageBatch } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Histogram } from 'prom-client';
import { DepartmentDirectory } from './department-directory.service';
import { planRouting, type RoutableEvent } from './route-planner';

export function routableOf(e: CanonicalEvent, correction: boolean, acceptedAt: Date | null): RoutableEvent {
  return {
    kind: kindOfEvent(e),
    insurer: e.insurer,
    subject: e.subject,
    version: e.sourceversion,
    eventId: e.id,
    action: (e.data as { action: string }).action,
    uscc: e.uscc,
    region: e.region,
    sector: e.sector,
    businessTime: e.time,
    data: e.data,
    correction,
    acceptedAt,
  };
}

/** Routes one slice of canonical events into the entitled departments' views and feeds. */
@Injectable()
export class RouterService {
  private readonly logger = new Logger(RouterService.name);
  private readonly changes: Counter;
  private readonly invalid: Counter;
  private readonly visible: Histogram;

  constructor(
    private readonly directory: DepartmentDirectory,
    private readonly writer: DeptProjectionWriter,
    metrics: MetricsRegistry,
  ) {
    this.changes = new Counter({
      name: 'ajx_router_view_changes_total',
      help: 'Department view changes written',
      labelNames: ['entry'],
      registers: [metrics],
    });
    this.invalid = new Counter({
      name: 'ajx_router_invalid_events_total',
      help: 'Canonical messages that could not be decoded',
      registers: [metrics],
    });
    this.visible = new Histogram({
      name: 'ajx_router_accept_to_visible_seconds',
      help: 'From gateway acceptance to the department views being written',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [metrics],
    });
  }

  async handle(batch: MessageBatch): Promise<void> {
    const events = batch.messages.flatMap((m) => this.decode(m));
    const keys = events.map((e) => ({ kind: e.kind, insurer: e.insurer, subject: e.subject }));
    const [routed, holdings] = await Promise.all([this.writer.routed(keys), this.writer.holdings(keys)]);
    const plan = planRouting(events, routed, holdings, this.directory.index);
    await this.writer.apply(plan.changes, plan.routed, plan.urgencies);
    for (const c of plan.changes) this.changes.inc({ entry: c.entry });
    const now = Date.now();
    for (const e of events) if (e.acceptedAt) this.visible.observe((now - e.acceptedAt.getTime()) / 1000);
  }

  private decode(m: ConsumedMessage): RoutableEvent[] {
    try {
      const { event, correction, acceptedAt } = decodeCanonicalEventMessage(m);
      return [routableOf(event, correction, acceptedAt)];
    } catch (err) {
      // Canonical messages are written by the normaliser only; an unreadable one is a bug, not input to reject.
      this.invalid.inc();
      this.logger.error(
        `skipping unreadable canonical message ${m.topic}[${m.partition}]@${m.offset}: ${(err as Error).message}`,
      );
      return [];
    }
  }
}
