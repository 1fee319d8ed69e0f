import { Injectable, Logger } from '@nestjs/common';
import { CanonicalEventReader, type ConsumedMessage, type MessageBatch } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import { readSupervisionEvent, SUPERVISED_KINDS, SupervisionInputError } from '@ajx/supervision';
import type { StoredVersion } from '@ajx/supervision-store';
import { EnterpriseEvaluationService } from './evaluation/enterprise-evaluation.service';
import { FindingsPublisher } from './findings.publisher';
import { SupervisionClock } from './supervision-clock';
import { SupervisorMetrics } from './supervisor.metrics';

/**
 * One consumed batch of canonical events: the versions the rules read are stored (each version once, the first
 * received) and the enterprises they touch are evaluated on today's date, in one transaction; then the changed
 * findings are published. A message of a kind or schema this service does not know is skipped with a metric and a
 * log line — it never stalls the partition (schema evolution, docs/data-standard.md).
 */
@Injectable()
export class SupervisionService {
  private readonly logger = new Logger(SupervisionService.name);
  private readonly reader: CanonicalEventReader;

  constructor(
    private readonly evaluation: EnterpriseEvaluationService,
    private readonly clock: SupervisionClock,
    private readonly publisher: FindingsPublisher,
    private readonly metrics: SupervisorMetrics,
    registry: MetricsRegistry,
  ) {
    // Kinds and schema versions it does not know are skipped, counted and logged (ajx_canonical_events_skipped_total).
    this.reader = new CanonicalEventReader({
      consumer: 'supervisor',
      kinds: [...SUPERVISED_KINDS],
      metrics: registry,
      logger: this.logger,
    });
  }

  async handle(batch: MessageBatch): Promise<void> {
    const versions = batch.messages.flatMap((m) => this.versionOf(m));
    if (!versions.length) return;
    const stop = this.metrics.evaluationSeconds.startTimer({ kind: 'batch' });
    let outcome;
    try {
      outcome = await this.evaluation.receive(versions, this.clock.today(), 'system:supervisor');
    } catch (err) {
      // The transport retries the batch; say why here (its retry log only sees what the framework hands back).
      this.logger.error(
        `evaluating a batch of ${versions.length} versions failed: ${(err as Error).stack ?? String(err)}`,
      );
      throw err;
    } finally {
      stop();
    }
    this.metrics.versions.inc({ outcome: 'received' }, versions.length);
    this.metrics.changes.inc({ change: 'opened' }, outcome.opened);
    this.metrics.changes.inc({ change: 'updated' }, outcome.updated);
    this.metrics.changes.inc({ change: 'resolved' }, outcome.resolved);
    if (outcome.opened + outcome.updated + outcome.resolved > 0) this.publisher.kick();
  }

  private versionOf(m: ConsumedMessage): StoredVersion[] {
    const read = this.reader.read(m);
    if (!read) return [];
    const { event, acceptedAt } = read;
    try {
      const input = readSupervisionEvent(acceptedAt ? { ...event, ajxacceptedat: acceptedAt.toISOString() } : event);
      return [
        {
          insurer: event.insurer,
          kind: input.kind,
          subject: event.subject,
          version: event.sourceversion,
          uscc: input.record.enterprise.uscc,
          input,
        },
      ];
    } catch (err) {
      if (!(err instanceof SupervisionInputError)) throw err;
      this.metrics.skipped.inc({ reason: 'invalid' });
      this.logger.warn(`skipping ${m.topic}[${m.partition}]@${m.offset} (${event.id}): ${err.message}`);
      return [];
    }
  }
}
