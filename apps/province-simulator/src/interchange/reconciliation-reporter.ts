import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  backoffMs,
  buildReconciliationReport,
  type CellMismatch,
  classifyNetworkFailure,
  classifyResponse,
  type DeliveryDecision,
  parseJson,
} from '@ajx/interchange-protocol';
import { DeliveryLogRepository, type ReportRow } from '../database/delivery-log.repository';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { Sleeper } from '@ajx/platform';
import { HubClient } from './hub.client';

const MAX_ATTEMPTS = 5;

/**
 * The province's outbound half of reconciliation: a day that does not match is reported to the hub
 * (`POST /v1/interchange/reconciliation/{date}`, signed), retried with backoff; every report and its outcome is
 * kept in PostgreSQL.
 */
@Injectable()
export class ReconciliationReporter implements OnModuleDestroy {
  private readonly logger = new Logger(ReconciliationReporter.name);
  private readonly sleeper = new Sleeper();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly config: ProvinceSimulatorConfig,
    private readonly hub: HubClient,
    private readonly log: DeliveryLogRepository,
  ) {}

  get enabled(): boolean {
    return this.hub.configured;
  }

  /** Reports without making the caller wait (the manifest answer does not depend on the hub). */
  reportInBackground(date: string, cells: CellMismatch[]): void {
    const p = this.report(date, cells)
      .catch((err: unknown) => this.logger.error(`reporting ${date} failed: ${String(err)}`))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async report(date: string, cells: CellMismatch[]): Promise<ReportRow> {
    const id = await this.log.createReport(date, cells);
    const body = JSON.stringify(buildReconciliationReport({ date, province: this.config.AJX_PROVINCE_CODE, cells }));
    let attempts = 0;
    for (;;) {
      attempts++;
      let decision: DeliveryDecision;
      let hubStatus: number | null = null;
      try {
        const answer = await this.hub.post(`/v1/interchange/reconciliation/${date}`, body);
        hubStatus = answer.status;
        const parsed = parseJson(answer.raw);
        decision = classifyResponse(answer.status, parsed.ok ? parsed.value : null, answer.retryAfter);
      } catch (err) {
        decision = classifyNetworkFailure(err);
      }
      const final =
        decision.action === 'done'
          ? 'sent'
          : decision.action !== 'retry' || attempts >= MAX_ATTEMPTS || this.stopping
            ? 'failed'
            : null;
      const lastError = decision.action === 'done' ? null : decision.reason;
      await this.log.updateReport(id, { status: final ?? 'pending', attempts, lastError, hubStatus });
      if (final) {
        if (final === 'failed') this.logger.warn(`reconciliation report for ${date} failed: ${lastError}`);
        return { id, date, status: final, attempts, lastError, hubStatus, cells };
      }
      const wait = decision.action === 'retry' && decision.afterMs !== null ? decision.afterMs : backoffMs(attempts);
      await this.sleeper.sleep(wait);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.sleeper.wakeAll();
    await Promise.allSettled([...this.inFlight]);
  }
}
