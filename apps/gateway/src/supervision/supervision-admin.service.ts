import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import { redisOptions } from '@ajx/redis';
import {
  EVALUATE_ALL_JOB,
  type EvaluateAllJob,
  SUPERVISION_QUEUE,
  SupervisionRunsRepository,
} from '@ajx/supervision-store';
import { Queue } from 'bullmq';
import { GatewayConfig } from '../gateway.config';
import type { EvaluationRequestedDto, SupervisionRunDto } from './dto/ladder.dto';

/** Operators: ask the supervisor for a full evaluation now, and see the evaluations that ran. */
@Injectable()
export class SupervisionAdminService implements OnApplicationShutdown {
  private queue: Queue | null = null;

  constructor(
    private readonly config: GatewayConfig,
    private readonly runs: SupervisionRunsRepository,
    private readonly audit: AuditLog,
  ) {}

  private queueOf(): Queue {
    this.queue ??= new Queue(SUPERVISION_QUEUE, {
      connection: redisOptions(this.config.AJX_REDIS_URL),
      prefix: this.config.AJX_REDIS_PREFIX,
    });
    return this.queue;
  }

  async reevaluate(principal: Principal, requestId?: string): Promise<EvaluationRequestedDto> {
    const jobId = `operator-${randomUUID()}`;
    await this.queueOf().add(
      EVALUATE_ALL_JOB,
      { reason: 'operator', requestedBy: principal.id } satisfies EvaluateAllJob,
      {
        jobId,
        removeOnComplete: 100,
        removeOnFail: 500,
      },
    );
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.evaluate',
      target: 'all',
      outcome: 'ok',
      details: { jobId },
      requestId,
    });
    return { jobId };
  }

  async latest(): Promise<SupervisionRunDto[]> {
    return (await this.runs.latest(50)).map((r) => ({
      runId: r.runId,
      reason: r.reason,
      scope: r.scope,
      asOf: r.asOf,
      requestedBy: r.requestedBy,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      enterprises: r.enterprises,
      opened: r.opened,
      updated: r.updated,
      resolved: r.resolved,
      error: r.error,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }
}
