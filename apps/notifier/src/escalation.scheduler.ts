import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { UrgentEscalationRepository } from '@ajx/dept-store';
import { MetricsRegistry } from '@ajx/observability';
import { PollingService } from '@ajx/platform';
import { Counter, Gauge } from 'prom-client';
import { NotifierConfig } from './notifier.config';

const BATCH = 100;
/** A due timer fires within a poll interval; one left this much longer is overdue (a notifier is not working). */
const OVERDUE_GRACE_MS = 60_000;

/**
 * Fires escalation timers of the urgent lane (major hazards, urgent accidents). The timer is the PostgreSQL row (tier and the time that tier was
 * notified), polled every AJX_NOTIFIER_POLL_MS: a restart of any component, Redis included, loses nothing, and a
 * timer that fell due while the notifier was down fires as soon as it is back. Several notifiers may run: rows are
 * taken with SKIP LOCKED, so each timer fires once.
 */
@Injectable()
export class EscalationScheduler extends PollingService {
  private readonly logger = new Logger(EscalationScheduler.name);
  private readonly fired: Counter;

  constructor(
    private readonly escalations: UrgentEscalationRepository,
    private readonly audit: AuditLog,
    private readonly config: NotifierConfig,
    metrics: MetricsRegistry,
  ) {
    super(EscalationScheduler.name, config.AJX_NOTIFIER_POLL_MS, 'escalation failed');
    this.fired = new Counter({
      name: 'ajx_notifier_escalations_total',
      help: 'Urgent-lane escalations fired, by record kind and tier reached (exhausted: the top tier ran out unacknowledged)',
      labelNames: ['kind', 'to'],
      registers: [metrics],
    });
    const repository = this.escalations;
    new Gauge({
      name: 'ajx_notifier_escalations_overdue',
      help: 'Open urgent-lane escalations (major hazards, urgent accidents) past their deadline by more than a minute (timers that did not fire)',
      registers: [metrics],
      async collect() {
        this.set(await repository.countOverdue(config.AJX_ESCALATION_AFTER_MS, OVERDUE_GRACE_MS));
      },
    });
  }

  protected async drain(): Promise<void> {
    await this.fireDue();
  }

  /** Fires every due timer; returns how many fired. */
  async fireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const fired = await this.escalations.escalateDue(this.config.AJX_ESCALATION_AFTER_MS, BATCH);
      for (const f of fired) {
        this.fired.inc({ kind: f.kind, to: f.to ?? 'exhausted' });
        this.logger.log(
          f.to
            ? `${f.kind} ${f.insurer}/${f.subject} unacknowledged at ${f.from} level: escalated to ${f.to} (${f.departments.length} departments)`
            : `${f.kind} ${f.insurer}/${f.subject} unacknowledged at ${f.from} level, the top of its urgent lane`,
        );
        await this.audit.record({
          actor: 'system:notifier',
          action: f.to ? `${f.kind}.escalated` : `${f.kind}.escalation_exhausted`,
          target: `${f.kind}:${f.insurer}:${f.subject}`,
          outcome: 'ok',
          details: { version: f.version, from: f.from, to: f.to, departments: f.departments },
        });
      }
      total += fired.length;
      if (fired.length < BATCH) return total;
    }
  }
}
