import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RegisterRepository } from '@ajx/interchange-store';
import { PollingService } from '@ajx/platform';
import { onReconnect, redisOptions } from '@ajx/redis';
import {
  EVALUATE_ALL_JOB,
  type EvaluateAllJob,
  SUPERVISION_QUEUE,
  SupervisionRunsRepository,
} from '@ajx/supervision-store';
import { type Job, Queue, Worker } from 'bullmq';
import { FullEvaluationService } from './evaluation/full-evaluation.service';
import { StartCatchUp } from './start-catch-up';
import { SupervisionClock } from './supervision-clock';
import { SupervisorConfig } from './supervisor.config';

const DAILY_SCHEDULER = 'daily-evaluation';
export const SCHEDULE_TZ = 'Asia/Shanghai';

/**
 * When every enterprise is evaluated again: a BullMQ job scheduler every day (AJX_SUPERVISION_DAILY_CRON in
 * Asia/Shanghai — dates move findings such as RENEWAL_DUE and LAPSED without new data), a catch-up when the service
 * starts on a day no full evaluation has covered yet, a register change, and operators' requests (the gateway enqueues
 * them). One job at a time; job ids deduplicate the same request from several instances. The worker takes jobs
 * once the canonical backlog present at start is consumed (StartCatchUp).
 */
@Injectable()
export class SupervisionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SupervisionScheduler.name);
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private installing: Promise<void> | null = null;

  constructor(
    private readonly config: SupervisorConfig,
    private readonly full: FullEvaluationService,
    private readonly runs: SupervisionRunsRepository,
    private readonly clock: SupervisionClock,
    private readonly startCatchUp: StartCatchUp,
  ) {}

  onApplicationBootstrap(): void {
    this.installing = this.install()
      .then(() => this.catchUp())
      .catch((err: unknown) =>
        this.logger.error(`supervision jobs not installed: ${err instanceof Error ? err.message : String(err)}`),
      );
  }

  private async install(): Promise<void> {
    const connection = redisOptions(this.config.AJX_REDIS_URL);
    const prefix = this.config.AJX_REDIS_PREFIX;
    this.queue = new Queue(SUPERVISION_QUEUE, { connection, prefix });
    this.queue.on('error', (err) => this.logger.warn(`supervision queue: ${err.message}`));
    await this.upsertScheduler(this.queue);
    // Redis may come back empty (no persistence): the scheduler is installed again on every reconnect.
    onReconnect(await this.queue.client, () => {
      if (!this.queue) return;
      const queue = this.queue;
      this.installing = (this.installing ?? Promise.resolve())
        .then(() => this.upsertScheduler(queue))
        .catch((err: unknown) => this.logger.error(`scheduler not reinstalled: ${(err as Error).message}`));
    });
    const worker = new Worker(SUPERVISION_QUEUE, (job: Job<EvaluateAllJob>) => this.handle(job), {
      connection,
      prefix,
      concurrency: 1,
      // A full evaluation of a province takes seconds to minutes: the lock outlives it while the worker lives.
      lockDuration: 120_000,
      // Taking jobs starts once the backlog present at start is consumed (below), not at construction.
      autorun: false,
    });
    worker.on('failed', (job, err) => this.logger.error(`job ${job?.name ?? '?'} failed: ${err.message}`));
    worker.on('error', (err) => this.logger.error(`supervision worker: ${err.message}`));
    this.worker = worker;
    // No full evaluation before the canonical backlog present at start is consumed (StartCatchUp says why). The
    // worker does not even claim a job until then: a job claimed while waiting would stay locked for lockDuration if
    // this instance died during the wait, holding every other instance's evaluation back.
    void this.startCatchUp.passed().then((outcome) => {
      if (outcome === 'stopped' || this.worker !== worker) return;
      worker.run().catch((err: unknown) => this.logger.error(`supervision worker stopped: ${(err as Error).message}`));
    });
  }

  private async upsertScheduler(queue: Queue): Promise<void> {
    await queue.upsertJobScheduler(
      DAILY_SCHEDULER,
      { pattern: this.config.AJX_SUPERVISION_DAILY_CRON, tz: SCHEDULE_TZ },
      {
        name: EVALUATE_ALL_JOB,
        data: { reason: 'daily', requestedBy: 'system:scheduler' } satisfies EvaluateAllJob,
        opts: { removeOnComplete: 100, removeOnFail: 500 },
      },
    );
  }

  /** At start: evaluates everything once if no full evaluation covered today (or the register changed since). */
  async catchUp(): Promise<void> {
    const last = await this.runs.lastCompleted();
    const today = this.clock.today();
    if (last && last.asOf === today) return;
    await this.enqueue({ reason: 'start', requestedBy: 'system:supervisor' }, `start-${today}`);
  }

  /** Whether jobs can be enqueued (the queue exists; Redis may still be on its way). */
  get ready(): boolean {
    return this.queue !== null;
  }

  /** Asks for a full evaluation (deduplicated by `jobId` while the same request waits). */
  async enqueue(data: EvaluateAllJob, jobId: string): Promise<void> {
    if (!this.queue) throw new Error('the supervision queue is not available yet');
    await this.queue.add(EVALUATE_ALL_JOB, data, { jobId, removeOnComplete: 100, removeOnFail: 500 });
  }

  private async handle(job: Job<EvaluateAllJob>): Promise<void> {
    if (job.name !== EVALUATE_ALL_JOB) return;
    await this.full.run(job.data.reason, job.data.requestedBy);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.startCatchUp.stop();
    await this.installing?.catch(() => undefined);
    await this.worker?.close();
    await this.queue?.close();
    this.worker = null;
    this.queue = null;
  }
}

/**
 * Watches the register: a new committed version (a county's compilation, the province's register) changes who must
 * be insured, so every enterprise is evaluated again.
 */
@Injectable()
export class RegisterWatcher extends PollingService {
  constructor(
    config: SupervisorConfig,
    private readonly register: RegisterRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly scheduler: SupervisionScheduler,
  ) {
    super(RegisterWatcher.name, config.AJX_SUPERVISION_REGISTER_POLL_MS, 'watching the register failed');
  }

  protected async drain(): Promise<void> {
    if (!this.scheduler.ready) return;
    const [version, last] = await Promise.all([this.register.latestVersion(), this.runs.lastCompleted()]);
    if (version === null || !last || last.registerVersion === version) return;
    await this.scheduler.enqueue({ reason: 'register', requestedBy: 'system:register' }, `register-${version}`);
  }
}
