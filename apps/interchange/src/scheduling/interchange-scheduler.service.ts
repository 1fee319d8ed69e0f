import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { INTERCHANGE_QUEUE, InterchangeStateRepository } from '@ajx/interchange-store';
import { onReconnect, redisConnectionOptions } from '@ajx/redis';
import { type Job, Queue, Worker } from 'bullmq';
import { InterchangeSenders } from '../delivery/interchange-senders.service';
import { InterchangeConfig, SCHEDULE_TZ } from '../interchange.config';

const MANIFESTS = 'daily-manifests';
const SCHEDULED_PUSH = 'scheduled-push';

/**
 * BullMQ job schedulers (cron in Asia/Shanghai): a scheduled run per `scheduled` endpoint and the daily manifests.
 * Redis only says *when*: a job records the request in PostgreSQL (the run's target seq, the manifest request) and
 * the endpoint's sender carries it out, resuming it after a crash from what PostgreSQL holds.
 */
@Injectable()
export class InterchangeScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InterchangeScheduler.name);
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private installing: Promise<void> | null = null;
  private closing = false;

  constructor(
    private readonly config: InterchangeConfig,
    private readonly senders: InterchangeSenders,
    private readonly state: InterchangeStateRepository,
  ) {}

  /**
   * Installs the schedulers and the worker without holding up the start: while Redis is away, real-time pushing goes
   * on and the schedulers are installed when it is back (BullMQ's connection waits for it).
   */
  onApplicationBootstrap(): void {
    this.installing = this.install().catch((err: unknown) =>
      this.logger.error(`job schedulers not installed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async install(): Promise<void> {
    const connection = redisConnectionOptions(this.config);
    const prefix = this.config.AJX_REDIS_PREFIX;
    this.queue = new Queue(INTERCHANGE_QUEUE, { connection, prefix });
    this.queue.on('error', (err) => this.logger.warn(`scheduler queue: ${err.message}`));
    await this.upsertSchedulers(this.queue);
    // Redis may come back without its data (a restart without persistence, a failover to an empty replica): the
    // schedulers are installed again whenever the queue's connection is ready after a reconnect, so scheduled runs
    // and manifests resume without restarting the service.
    onReconnect(await this.queue.client, () => {
      if (this.closing || !this.queue) return;
      const queue = this.queue;
      this.installing = (this.installing ?? Promise.resolve())
        .then(() => this.upsertSchedulers(queue))
        .catch((err: unknown) =>
          this.logger.error(`job schedulers not reinstalled: ${err instanceof Error ? err.message : String(err)}`),
        );
    });
    this.worker = new Worker(INTERCHANGE_QUEUE, (job) => this.handle(job), { connection, prefix, concurrency: 1 });
    this.worker.on('failed', (job, err) => this.logger.error(`job ${job?.name ?? '?'} failed: ${err.message}`));
    this.worker.on('error', (err) => this.logger.error(`scheduler worker: ${err.message}`));
  }

  /** Creates (or updates) the configured job schedulers and removes those no longer configured. */
  private async upsertSchedulers(queue: Queue): Promise<void> {
    const pushing = this.config.endpoints().filter((e) => e.mode !== 'off');
    const wanted = new Set<string>();
    const opts = { removeOnComplete: 100, removeOnFail: 500 };
    for (const e of pushing) {
      if (e.mode !== 'scheduled' || !e.cron) continue;
      const id = `${SCHEDULED_PUSH}:${e.id}`;
      await queue.upsertJobScheduler(
        id,
        { pattern: e.cron, tz: SCHEDULE_TZ },
        { name: SCHEDULED_PUSH, data: { endpointId: e.id }, opts },
      );
      wanted.add(id);
    }
    if (pushing.length) {
      await queue.upsertJobScheduler(
        MANIFESTS,
        { pattern: this.config.AJX_INTERCHANGE_MANIFEST_CRON, tz: SCHEDULE_TZ },
        { name: MANIFESTS, data: {}, opts },
      );
      wanted.add(MANIFESTS);
    }
    for (const s of await queue.getJobSchedulers()) {
      if (!wanted.has(s.key)) {
        await queue.removeJobScheduler(s.key);
        this.logger.log(`removed the job scheduler ${s.key} (no longer configured)`);
      }
    }
    this.logger.log(`job schedulers installed: ${[...wanted].join(', ') || 'none'}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.worker?.close();
    await this.queue?.close();
    await this.installing;
  }

  private async handle(job: Job): Promise<void> {
    if (job.name === SCHEDULED_PUSH) {
      const endpointId = (job.data as { endpointId: string }).endpointId;
      const target = await this.scheduledRun(endpointId);
      this.logger.log(`scheduled run of ${endpointId}: everything up to seq ${target ?? '?'}`);
    } else if (job.name === MANIFESTS) {
      await this.manifestsDue();
      this.logger.log('daily manifests due');
    }
  }

  /** A scheduled run now: everything committed so far is to be delivered. */
  async scheduledRun(endpointId: string): Promise<number | null> {
    const endpoint = this.config.endpoints().find((e) => e.id === endpointId);
    if (!endpoint || endpoint.mode === 'off') return null;
    await this.state.ensureEndpoint(endpoint.id, endpoint.province);
    const target = await this.state.requestScheduledRun(endpointId);
    this.senders.wake(endpointId);
    return target;
  }

  /** Asks every pushing endpoint to send the manifests of the days it has delivered and not yet reconciled. */
  async manifestsDue(): Promise<void> {
    const pushing = this.config.endpoints().filter((e) => e.mode !== 'off');
    for (const e of pushing) await this.state.ensureEndpoint(e.id, e.province);
    await this.state.requestManifests(pushing.map((e) => e.id));
    this.senders.wake();
  }
}
