import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INTERCHANGE_QUEUE } from '@ajx/interchange-store';
import { redisOptions } from '@ajx/redis';
import { REPORTS_QUEUE } from '@ajx/report-store';
import { SUPERVISION_QUEUE } from '@ajx/supervision-store';
import { Queue } from 'bullmq';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayConfig } from '../gateway.config';

/** A connect-style handler (Bull Board's router), mounted by the controller. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Where the dashboard answers; its controller is mounted here, behind the operator role. */
export const QUEUES_DASHBOARD_PATH = '/v1/admin/queues';

/** Every BullMQ queue of the hub: the supervisor's evaluations and reports, the interchange's schedules. */
const QUEUES = [SUPERVISION_QUEUE, REPORTS_QUEUE, INTERCHANGE_QUEUE] as const;

/**
 * The BullMQ dashboard (Bull Board) for operators: jobs, schedulers, failures and their errors of every queue. It is
 * read-only — retrying or removing jobs is done where it is audited (`ajx`, the admin API) — and is created on first
 * use, so a gateway that nobody asks for it opens no queue connections.
 */
@Injectable()
export class QueuesDashboardService implements OnApplicationShutdown {
  private handler: DashboardHandler | null = null;
  private queues: Queue[] = [];

  constructor(private readonly config: GatewayConfig) {}

  /** The board's router (created on first use): it expects paths below QUEUES_DASHBOARD_PATH, as app.use gives. */
  router(): DashboardHandler {
    if (this.handler) return this.handler;
    const connection = redisOptions(this.config.AJX_REDIS_URL);
    this.queues = QUEUES.map((name) => new Queue(name, { connection, prefix: this.config.AJX_REDIS_PREFIX }));
    const server = new ExpressAdapter();
    server.setBasePath(QUEUES_DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'AJX Hub 任务队列' } },
    });
    this.handler = server.getRouter() as DashboardHandler;
    return this.handler;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
