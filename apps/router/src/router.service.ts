import { Injectable, Logger } from '@nestjs/common';
import {
  type CanonicalEvent,
  decodeCanonicalEventMessage,
  decodeFindingMessage,
  type FindingMessage,
  kindOfEvent,
  type Sector,
  uuidV5,
} from '@ajx/contracts';
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

/** Namespace of the event ids of finding versions in department feeds (UUIDv5 of `<finding id>:<version>`). */
const FINDING_EVENT_NAMESPACE = Buffer.from('8b1f4c2e6d3a5b7c9e0f1a2b3c4d5e6f', 'hex');

/**
 * A finding's version as a routable event: kind `finding`, the finding id as its subject, no insurer in its key (its
 * attribution may change; the insurer it is attributed to is in the data), routed by the enterprise's region and
 * sector.
 */
export function routableFinding(f: FindingMessage): RoutableEvent {
  return {
    kind: 'finding',
    insurer: '',
    subject: f.findingId,
    version: f.version,
    eventId: uuidV5(`${f.findingId}:${f.version}`, FINDING_EVENT_NAMESPACE),
    action: f.change,
    uscc: f.uscc,
    region: f.regionCode,
    sector: f.sector as Sector,
    businessTime: f.at,
    data: { ...f },
    correction: false,
    acceptedAt: null,
  };
}

/** Routes one slice of canonical events (or of findings) into the entitled departments' views and feeds. */
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
    await this.route(batch.messages.flatMap((m) => this.decode(m)));
  }

  /** Findings of the supervision service: routed like records to the departments entitled to the enterprise. */
  async handleFindings(batch: MessageBatch): Promise<void> {
    await this.route(batch.messages.flatMap((m) => this.decodeFinding(m)));
  }

  private async route(events: RoutableEvent[]): Promise<void> {
    const keys = events.map((e) => ({ kind: e.kind, insurer: e.insurer, subject: e.subject }));
    const [routed, holdings] = await Promise.all([this.writer.routed(keys), this.writer.holdings(keys)]);
    const plan = planRouting(events, routed, holdings, this.directory.index);
    await this.writer.apply(plan.changes, plan.routed, plan.urgencies);
    for (const c of plan.changes) this.changes.inc({ entry: c.entry });
    const now = Date.now();
    for (const e of events) if (e.acceptedAt) this.visible.observe((now - e.acceptedAt.getTime()) / 1000);
  }

  private decodeFinding(m: ConsumedMessage): RoutableEvent[] {
    try {
      return [routableFinding(decodeFindingMessage(m))];
    } catch (err) {
      // Findings are written by the supervisor only; an unreadable one is a bug (or a newer format): skip, count, say.
      this.invalid.inc();
      this.logger.error(
        `skipping unreadable finding ${m.topic}[${m.partition}]@${m.offset}: ${(err as Error).message}`,
      );
      return [];
    }
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
