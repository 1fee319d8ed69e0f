import { Injectable, Logger } from '@nestjs/common';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { DeptProjectionWriter, ProjectionJobsRepository, type ProjectionJob } from '@ajx/dept-store';
import { PollingService } from '@ajx/platform';
import { DepartmentDirectory } from './department-directory.service';
import { planRouting, type RoutableEvent } from './route-planner';

const PAGE = 500;
const LEASE_MS = 60_000;
/** A failed run is taken up again after this long, from its last cursor. */
export const RETRY_MS = 5_000;

/**
 * Gives a newly entitled department its history (and re-scopes everything after a rule change) from the canonical
 * store's latest state per record. Jobs live in PostgreSQL with a lease and a cursor, so a restart resumes them.
 */
@Injectable()
export class ReprojectionService extends PollingService {
  private readonly logger = new Logger(ReprojectionService.name);

  constructor(
    private readonly jobs: ProjectionJobsRepository,
    private readonly canonical: CanonicalStoreRepository,
    private readonly writer: DeptProjectionWriter,
    private readonly directory: DepartmentDirectory,
  ) {
    super(ReprojectionService.name, 2000);
  }

  /** Runs queued jobs until none is left. */
  async drain(stopped: () => boolean = () => false): Promise<void> {
    for (;;) {
      if (stopped()) return;
      const job = await this.jobs.lease(LEASE_MS);
      if (!job) return;
      try {
        await this.run(job, stopped);
        await this.jobs.finish(job.id);
      } catch (err) {
        const message = (err as Error).message;
        this.logger.warn(`re-projection ${job.id} failed (${message}); taken up again in ${RETRY_MS} ms`);
        await this.jobs.retryLater(job.id, message, RETRY_MS);
        throw err;
      }
    }
  }

  private async run(job: ProjectionJob, stopped: () => boolean): Promise<void> {
    const index = this.directory.index;
    const grant = job.departmentId ? index.grant(job.departmentId) : undefined;
    if (job.departmentId && !grant) return; // no longer a valid department: nothing to project
    let cursor = job.cursor;
    let projected = 0;
    do {
      const { records, next } = await this.canonical.latestRecords(
        grant
          ? { regionPrefix: grant.regionPrefix, kinds: grant.records, sectors: grant.allSectors ? null : grant.sectors }
          : {},
        cursor,
        PAGE,
      );
      const events: RoutableEvent[] = records.map((r) => ({
        kind: r.kind,
        insurer: r.insurer,
        subject: r.subject,
        version: r.version,
        eventId: r.eventId,
        action: (r.data as { action: string }).action,
        uscc: r.uscc,
        region: r.region,
        sector: r.sector,
        businessTime: r.businessTime,
        data: r.data as RoutableEvent['data'],
        correction: false,
        acceptedAt: r.acceptedAt,
      }));
      const holdings = await this.writer.holdings(events);
      const plan = planRouting(events, new Map(), holdings, index, {
        kind: 'reproject',
        departmentId: job.departmentId,
      });
      await this.writer.apply(plan.changes, []);
      projected += plan.changes.length;
      cursor = next;
      if (cursor) await this.jobs.progress(job.id, cursor, LEASE_MS);
    } while (cursor && !stopped());
    this.logger.log(
      `re-projection ${job.id} (${job.reason}${job.departmentId ? ` for ${job.departmentId}` : ''}): ${projected} changes`,
    );
  }
}
