import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { previousMonth, previousWeek } from '@ajx/report-content';
import { onReconnect, redisOptions } from '@ajx/redis';
import {
  MONTHLY_SCORECARDS_JOB,
  REPORTS_QUEUE,
  type ReportJobResult,
  RUN_REPORT_JOB,
  type RunReportJob,
  type ScheduledReportsJob,
  WEEKLY_REPORTS_JOB,
} from '@ajx/report-store';
import { type Job, Queue, Worker } from 'bullmq';
import { SupervisionClock } from '../supervision-clock';
import { SCHEDULE_TZ } from '../supervision.scheduler';
import { SupervisorConfig } from '../supervisor.config';
import { ReportGenerationService } from './report-generation.service';

const WEEKLY_SCHEDULER = 'weekly-reports';
const MONTHLY_SCHEDULER = 'monthly-scorecards';

/**
 * When reports are made (Jining 七(二), 七(三)): BullMQ job schedulers in Asia/Shanghai — every Monday 08:00 the
 * weekly reports of every county-level jurisdiction for the week before and then their cities' bulletins, every 1st
 * at 08:00 the insurers' scorecards for the month before — plus on-demand runs (the gateway enqueues them). The
 * period is the one before the supervisor's today (its clock), so a job that runs late or twice reports on the same
 * period, and the store keeps one report per (kind, scope, period): a retried or duplicated job creates nothing more.
 */
@Injectable()
export class ReportScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportScheduler.name);
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private installing: Promise<void> | null = null;

  constructor(
    private readonly config: SupervisorConfig,
    private readonly generation: ReportGenerationService,
    private readonly clock: SupervisionClock,
  ) {}

  onApplicationBootstrap(): void {
    this.installing = this.install().catch((err: unknown) =>
      this.logger.error(`report jobs not installed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async install(): Promise<void> {
    const connection = redisOptions(this.config.AJX_REDIS_URL);
    const prefix = this.config.AJX_REDIS_PREFIX;
    this.queue = new Queue(REPORTS_QUEUE, { connection, prefix });
    this.queue.on('error', (err) => this.logger.warn(`reports queue: ${err.message}`));
    await this.upsertSchedulers(this.queue);
    onReconnect(await this.queue.client, () => {
      if (!this.queue) return;
      const queue = this.queue;
      this.installing = (this.installing ?? Promise.resolve())
        .then(() => this.upsertSchedulers(queue))
        .catch((err: unknown) => this.logger.error(`report schedulers not reinstalled: ${(err as Error).message}`));
    });
    this.worker = new Worker(REPORTS_QUEUE, (job: Job) => this.handle(job), {
      connection,
      prefix,
      concurrency: 1,
      lockDuration: 300_000,
    });
    this.worker.on('failed', (job, err) => this.logger.error(`report job ${job?.name ?? '?'} failed: ${err.message}`));
    this.worker.on('error', (err) => this.logger.error(`reports worker: ${err.message}`));
  }

  private async upsertSchedulers(queue: Queue): Promise<void> {
    const opts = {
      removeOnComplete: 100,
      removeOnFail: 500,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
    };
    await queue.upsertJobScheduler(
      WEEKLY_SCHEDULER,
      { pattern: this.config.AJX_REPORT_WEEKLY_CRON, tz: SCHEDULE_TZ },
      { name: WEEKLY_REPORTS_JOB, data: { requestedBy: 'system:scheduler' } satisfies ScheduledReportsJob, opts },
    );
    await queue.upsertJobScheduler(
      MONTHLY_SCHEDULER,
      { pattern: this.config.AJX_REPORT_MONTHLY_CRON, tz: SCHEDULE_TZ },
      { name: MONTHLY_SCORECARDS_JOB, data: { requestedBy: 'system:scheduler' } satisfies ScheduledReportsJob, opts },
    );
  }

  /** Runs a job now (tests, and what the schedulers' jobs do). */
  async handle(job: Pick<Job, 'name' | 'data'>): Promise<ReportJobResult> {
    const today = this.clock.today();
    switch (job.name) {
      case WEEKLY_REPORTS_JOB: {
        const { requestedBy } = job.data as ScheduledReportsJob;
        const period = previousWeek(today);
        const weekly = await this.generation.generate({ kind: 'weekly', period, mode: 'once', requestedBy });
        const bulletins = await this.generation.generate({ kind: 'city-bulletin', period, mode: 'once', requestedBy });
        return { reports: [...weekly.reports, ...bulletins.reports] };
      }
      case MONTHLY_SCORECARDS_JOB: {
        const { requestedBy } = job.data as ScheduledReportsJob;
        return this.generation.generate({
          kind: 'monthly-scorecard',
          period: previousMonth(today),
          mode: 'once',
          requestedBy,
        });
      }
      case RUN_REPORT_JOB: {
        const run = job.data as RunReportJob;
        return this.generation.generate({
          kind: run.kind,
          period: ReportGenerationService.periodOf(run.kind, run.period),
          region: run.region,
          insurer: run.insurer,
          mode: 'replace',
          requestedBy: run.requestedBy,
        });
      }
      default:
        throw new Error(`unknown report job ${job.name}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.installing?.catch(() => undefined);
    await this.worker?.close();
    await this.queue?.close();
    this.worker = null;
    this.queue = null;
  }
}
