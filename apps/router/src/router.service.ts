import { Injectable, Logger } from '@nestjs/common';
import { type CanonicalEvent, kindOfEvent, type RecordKind } from '@ajx/contracts';
import { DeptProjectionWriter } from '@ajx/dept-store';
import { CanonicalEventReader, type MessageBatch } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Histogram } from 'prom-client';
import { DepartmentDirectory } from './department-directory.service';
import { KIND_ROUTING, planRouting, type RoutableEvent } from './route-planner';

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

/** The kinds the router has routing rules for: every other event on the topic is skipped (schema evolution). */
export const ROUTED_KINDS = Object.keys(KIND_ROUTING) as RecordKind[];

/**
 * Routes one slice of canonical events into the entitled departments' views and feeds. Events of a kind or schema
 * version it does not know (a later standard's) are skipped, counted and logged, never retried: the slice commits.
 */
@Injectable()
export class RouterService {
  private readonly changes: Counter;
  private readonly reader: CanonicalEventReader;
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
    this.reader = new CanonicalEventReader({
      consumer: 'router',
      kinds: ROUTED_KINDS,
      metrics,
      logger: new Logger(RouterService.name),
    });
    this.visible = new Histogram({
      name: 'ajx_router_accept_to_visible_seconds',
      help: 'From gateway acceptance to the department views being written',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [metrics],
    });
  }

  async handle(batch: MessageBatch): Promise<void> {
    const events = batch.messages.flatMap((m) => {
      const read = this.reader.read(m);
      return read ? [routableOf(read.event, read.correction, read.acceptedAt)] : [];
    });
    const keys = events.map((e) => ({ kind: e.kind, insurer: e.insurer, subject: e.subject }));
    const [routed, holdings] = await Promise.all([this.writer.routed(keys), this.writer.holdings(keys)]);
    const plan = planRouting(events, routed, holdings, this.directory.index);
    await this.writer.apply(plan.changes, plan.routed, plan.urgencies);
    for (const c of plan.changes) this.changes.inc({ entry: c.entry });
    const now = Date.now();
    for (const e of events) if (e.acceptedAt) this.visible.observe((now - e.acceptedAt.getTime()) / 1000);
  }
}
