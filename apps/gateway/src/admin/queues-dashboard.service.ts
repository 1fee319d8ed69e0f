import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INTERCHANGE_QUEUE } from '@ajx/interchange-store';
import { redisOptions } from '@ajx/redis';
import { REPORTS_QUEUE } from '@ajx/report-store';
import { SUPERVISION_QUEUE } from '@ajx/supervision-store';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { GatewayConfig } from '../gateway.config';

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
  private router: ((req: Request, res: Response, next: NextFunction) => void) | null = null;
  private queues: Queue[] = [];

  constructor(private readonly config: GatewayConfig) {}

  handle(req: Request, res: Response, next: NextFunction): void {
    const router = this.routerOf();
    // The board's router is written to be mounted with app.use(path): it matches on the path below the mount point.
    const original = req.url;
    req.url = original.slice(QUEUES_DASHBOARD_PATH.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    req.baseUrl = QUEUES_DASHBOARD_PATH;
    router(req, res, (err?: unknown) => {
      req.url = original;
      next(err);
    });
  }

  private routerOf() {
    if (this.router) return this.router;
    const connection = redisOptions(this.config.AJX_REDIS_URL);
    this.queues = QUEUES.map((name) => new Queue(name, { connection, prefix: this.config.AJX_REDIS_PREFIX }));
    const server = new ExpressAdapter();
    server.setBasePath(QUEUES_DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'AJX Hub 任务队列' } },
    });
    this.router = server.getRouter() as (req: Request, res: Response, next: NextFunction) => void;
    return this.router;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
