import { Injectable, Logger } from '@nestjs/common';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { DeptProjectionWriter, ProjectionJobsRepository, type ProjectionJob } from '@ajx/dept-store';
import { PollingService } from '@ajx/platform';
import { findingMessageOf, SupervisionFindingsRepository } from '@ajx/supervision-store';
import { DepartmentDirectory } from './department-directory.service';
import { planRouting, type RoutableEvent } from './route-planner';
import { routableFinding } from './router.service';

const PAGE = 500;
const LEASE_MS = 60_000;
/** A failed run is taken up again after this long, from its last cursor. */
export const RETRY_MS = 5_000;

/** The job's cursor in its second phase, the supervision findings: `finding:` and the last finding id done. */
const FINDINGS_PHASE = 'finding:';

/**
 * Gives a newly entitled department its history (and re-scopes everything after a rule change) from the canonical
 * store's latest state per record, then from the supervision store's findings. Jobs live in PostgreSQL with a lease
 * and a cursor, so a restart resumes them.
 *
 * The hand-over to live routing is exact: both write a record's views under that record's lock and keep only what is
 * still upward against what the department holds then; a page whose store version is older than what live routing
 * already routed is projected again later; live routing writes only with a directory that knows every department
 * queued so far (docs/reliability.md, "A department created during the load").
 */
@Injectable()
export class ReprojectionService extends PollingService {
  private readonly logger = new Logger(ReprojectionService.name);

  constructor(
    private readonly jobs: ProjectionJobsRepository,
    private readonly canonical: CanonicalStoreRepository,
    private readonly writer: DeptProjectionWriter,
    private readonly directory: DepartmentDirectory,
    private readonly findings: SupervisionFindingsRepository,
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
        // Stopped half-way, the job stays leased and is taken up again from its cursor when the lease ends.
        if (!(await this.run(job, stopped))) return;
        await this.jobs.finish(job.id);
      } catch (err) {
        const message = (err as Error).message;
        this.logger.warn(`re-projection ${job.id} failed (${message}); taken up again in ${RETRY_MS} ms`);
        await this.jobs.retryLater(job.id, message, RETRY_MS);
        throw err;
      }
    }
  }

  /** Projects the job from its cursor; false if stopped before the end. */
  private async run(job: ProjectionJob, stopped: () => boolean): Promise<boolean> {
    const index = this.directory.index;
    const grant = job.departmentId ? index.grant(job.departmentId) : undefined;
    if (job.departmentId && !grant) return true; // no longer a valid department: nothing to project
    let cursor = job.cursor;
    let projected = 0;
    if (!cursor?.startsWith(FINDINGS_PHASE)) {
      projected += await this.runRecords(job, stopped);
      if (stopped()) return false;
      cursor = FINDINGS_PHASE;
      await this.jobs.progress(job.id, cursor, LEASE_MS);
    }
    // Findings go to the departments entitled to the enterprise's policies (route-planner: entitlementKind).
    const findingScope =
      grant && !grant.records.includes('policy')
        ? null
        : grant
          ? { regionPrefix: grant.regionPrefix, sectors: grant.allSectors ? null : grant.sectors }
          : {};
    while (findingScope) {
      if (stopped()) return false;
      const after = cursor.slice(FINDINGS_PHASE.length) || null;
      const page = await this.findings.currentPage(findingScope, after, PAGE);
      const events = page.map((p) => routableFinding(findingMessageOf(p.finding, p.change)));
      projected += await this.project(job, events);
      if (page.length < PAGE) break;
      cursor = FINDINGS_PHASE + page[page.length - 1].finding.findingId;
      await this.jobs.progress(job.id, cursor, LEASE_MS);
    }
    this.logger.log(
      `re-projection ${job.id} (${job.reason}${job.departmentId ? ` for ${job.departmentId}` : ''}): ${projected} changes`,
    );
    return true;
  }

  private async project(job: ProjectionJob, events: RoutableEvent[]): Promise<number> {
    const holdings = await this.writer.holdings(events);
    const plan = planRouting(events, new Map(), holdings, this.directory.index, {
      kind: 'reproject',
      departmentId: job.departmentId,
    });
    return (await this.writer.apply(plan.changes, [], [], { reprojection: true })).length;
  }

  /** The canonical records' latest state, page by page from the job's cursor. */
  private async runRecords(job: ProjectionJob, stopped: () => boolean): Promise<number> {
    const grant = job.departmentId ? this.directory.index.grant(job.departmentId) : undefined;
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
      projected += await this.project(job, events);
      cursor = next;
      if (cursor) await this.jobs.progress(job.id, cursor, LEASE_MS);
    } while (cursor && !stopped());
    return projected;
  }
}
