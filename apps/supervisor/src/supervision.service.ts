import { Injectable, Logger } from '@nestjs/common';
import { decodeCanonicalEventMessage, kindOfEvent } from '@ajx/contracts';
import type { ConsumedMessage, MessageBatch } from '@ajx/messaging';
import { readSupervisionEvent, SUPERVISED_KINDS, SupervisionInputError } from '@ajx/supervision';
import type { StoredVersion } from '@ajx/supervision-store';
import { EnterpriseEvaluationService } from './evaluation/enterprise-evaluation.service';
import { FindingsPublisher } from './findings.publisher';
import { SupervisionClock } from './supervision-clock';
import { SupervisorMetrics } from './supervisor.metrics';

const KNOWN_KINDS: ReadonlySet<string> = new Set(SUPERVISED_KINDS);

/**
 * One consumed batch of canonical events: the versions the rules read are stored (each version once, the first
 * received) and the enterprises they touch are evaluated on today's date, in one transaction; then the changed
 * findings are published. A message of a kind or schema this service does not know is skipped with a metric and a
 * log line — it never stalls the partition (schema evolution, docs/data-standard.md).
 */
@Injectable()
export class SupervisionService {
  private readonly logger = new Logger(SupervisionService.name);

  constructor(
    private readonly evaluation: EnterpriseEvaluationService,
    private readonly clock: SupervisionClock,
    private readonly publisher: FindingsPublisher,
    private readonly metrics: SupervisorMetrics,
  ) {}

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
    const where = `${m.topic}[${m.partition}]@${m.offset}`;
    let decoded;
    try {
      decoded = decodeCanonicalEventMessage(m);
    } catch (err) {
      this.metrics.skipped.inc({ reason: 'unreadable' });
      this.logger.warn(`skipping ${where}: not a canonical event this service can read (${(err as Error).message})`);
      return [];
    }
    const { event, acceptedAt } = decoded;
    const kind = kindOfEvent(event);
    if (!KNOWN_KINDS.has(kind)) {
      this.metrics.skipped.inc({ reason: 'unknown-kind' });
      this.logger.warn(`skipping ${where}: kind ${kind} is not supervised`);
      return [];
    }
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
      this.logger.warn(`skipping ${where} (${event.id}): ${err.message}`);
      return [];
    }
  }
}
