import { Injectable, Logger } from '@nestjs/common';
import {
  type CanonicalEvent,
  decodeFindingMessage,
  type FindingMessage,
  kindOfEvent,
  RECORD_KINDS,
  type RecordKind,
  type Sector,
  uuidV5,
} from '@ajx/contracts';
import { DeptProjectionWriter, StaleDirectoryError } from '@ajx/dept-store';
import { CanonicalEventReader, type ConsumedMessage, type MessageBatch } from '@ajx/messaging';
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
export const ROUTED_KINDS: RecordKind[] = RECORD_KINDS.filter((k) => k in KIND_ROUTING);

/** Namespace of the event ids of finding versions in department feeds (UUIDv5 of `<finding id>:<version>`). */
const FINDING_EVENT_NAMESPACE = Buffer.from('8b1f4c2e6d3a5b7c9e0f1a2b3c4d5e6f', 'hex');

/** The event id of a finding's version in department feeds and `route_records`. */
export const findingEventId = (findingId: string, version: number) =>
  uuidV5(`${findingId}:${version}`, FINDING_EVENT_NAMESPACE);

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
    eventId: findingEventId(f.findingId, f.version),
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

/**
 * Routes one slice of canonical events (or of supervision findings) into the entitled departments' views and feeds.
 * Events of a kind or schema version it does not know (a later standard's) are skipped, counted and logged, never
 * retried: the slice commits.
 */
@Injectable()
export class RouterService {
  private readonly logger = new Logger(RouterService.name);
  private readonly changes: Counter;
  private readonly invalidFindings: Counter;
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
    this.invalidFindings = new Counter({
      name: 'ajx_router_invalid_findings_total',
      help: 'Messages of ajx.findings.v1 that could not be read (skipped)',
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
    await this.route(
      batch.messages.flatMap((m) => {
        const read = this.reader.read(m);
        return read ? [routableOf(read.event, read.correction, read.acceptedAt)] : [];
      }),
    );
  }

  /** Findings of the supervision service: routed like records to the departments entitled to the enterprise. */
  async handleFindings(batch: MessageBatch): Promise<void> {
    await this.route(batch.messages.flatMap((m) => this.readFinding(m)));
  }

  private readFinding(m: ConsumedMessage): RoutableEvent[] {
    try {
      return [routableFinding(decodeFindingMessage(m))];
    } catch (err) {
      // Findings are written by the supervisor only; an unreadable one is a bug (or a newer format): skip, count, say.
      this.invalidFindings.inc();
      this.logger.error(
        `skipping unreadable finding ${m.topic}[${m.partition}]@${m.offset}: ${(err as Error).message}`,
      );
      return [];
    }
  }

  private async route(events: RoutableEvent[]): Promise<void> {
    const keys = events.map((e) => ({ kind: e.kind, insurer: e.insurer, subject: e.subject }));
    for (let attempt = 1; ; attempt++) {
      const [routed, holdings] = await Promise.all([this.writer.routed(keys), this.writer.holdings(keys)]);
      const generation = this.directory.generation;
      const plan = planRouting(events, routed, holdings, this.directory.index);
      try {
        const written = await this.writer.apply(plan.changes, plan.routed, plan.urgencies, { directory: generation });
        for (const c of written) this.changes.inc({ entry: c.entry });
        break;
      } catch (err) {
        // A department was created since the directory was read: read it again, plan again with the department.
        if (!(err instanceof StaleDirectoryError) || attempt >= 3) throw err;
        this.logger.log(`${err.message}: reading the directory again`);
        await this.directory.refresh();
      }
    }
    const now = Date.now();
    for (const e of events) if (e.acceptedAt) this.visible.observe((now - e.acceptedAt.getTime()) / 1000);
  }
}
