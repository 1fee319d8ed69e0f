import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { CanonicalStoreRepository, type StoredCanonicalEvent } from '@ajx/canonical-store';
import {
  DeptProjectionWriter,
  type PlannedHandOver,
  ProjectionJobsRepository,
  type ProjectionJob,
  type RecordKey,
  recordKeyOf,
  type RoutedVersion,
  RoutingMovedError,
  StoreBehindRoutingError,
} from '@ajx/dept-store';
import { RECORD_KINDS } from '@ajx/contracts';
import { PollingService } from '@ajx/platform';
import { findingMessageOf, SupervisionFindingsRepository } from '@ajx/supervision-store';
import { DepartmentDirectory } from './department-directory.service';
import { handOverOf } from './hand-over';
import { planRouting, type RoutableEvent } from './route-planner';
import { routableFinding } from './router.service';

const PAGE = 500;
const LEASE_MS = 60_000;
/** A failed run is taken up again after this long, from its last cursor. */
export const RETRY_MS = 5_000;

/** The job's cursor in its second phase, the supervision findings: `finding:` and the last finding id done. */
const FINDINGS_PHASE = 'finding:';
/** Times a page's records routed live meanwhile are planned again before the page is left for a later run. */
const HAND_OVER_ROUNDS = 5;
/** How long a job waits in place for records routed live ahead of the store (its write follows within milliseconds). */
const STORE_WAIT_MS = 2_000;
/** Records of `route_records` read at a time to find those routed ahead of the store. */
const ROUTED_PAGE = 5_000;
/** Records routed ahead of the store a check waits for at once (more are looked for once these are stored). */
const AHEAD_LIMIT = 10_000;
/**
 * How long a job waits in all (retried every RETRY_MS) before it goes on without records routed live that the store
 * still does not hold: a normaliser that never stores what it published is a fault of its own (logged), and must not
 * keep a department from the rest of its history.
 */
export const STORE_BEHIND_LIMIT_MS = 10 * 60_000;

/** A page planned for the hand-over: what to project, and what live routing had routed of every record of it. */
interface PageAsRouted {
  events: RoutableEvent[];
  handOver: PlannedHandOver[];
}

/** Every record of a page with what live routing had routed of it (checked again under the locks when written). */
function handOverOfPage(
  stored: readonly RoutableEvent[],
  routed: ReadonlyMap<string, RoutedVersion>,
): PlannedHandOver[] {
  return stored.map((s) => ({
    kind: s.kind,
    insurer: s.insurer,
    subject: s.subject,
    routed: routed.get(recordKeyOf(s)) ?? null,
  }));
}

/** A canonical event of the store as the router sees it. */
function routableOfStored(r: StoredCanonicalEvent): RoutableEvent {
  return {
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
  };
}

/**
 * Gives a newly entitled department its history (and re-scopes everything after a rule change) from the canonical
 * store's records, then from the supervision store's findings. Jobs live in PostgreSQL with a lease and a cursor, so
 * a restart resumes them.
 *
 * The hand-over to live routing is exact: each record is projected only up to the version live routing has routed
 * (`route_records`; a record it has not routed is left to it), checked under the record's lock when written; both
 * write a record's views under that lock and keep only what is still upward against what the department holds then;
 * live routing writes only with a directory that knows every department queued so far. So the department's feed gets
 * every version routed since its job was queued, once and in order (docs/reliability.md, "A department created
 * during the load").
 */
@Injectable()
export class ReprojectionService extends PollingService {
  private readonly logger = new Logger(ReprojectionService.name);
  /** Since when each job has found records routed live ahead of the store (this process's view). */
  private readonly behindSince = new Map<string, number>();
  /** Jobs queued before a check found the store holding every record routed live (this process's view). */
  private readonly storeCaughtUpFor = new Set<string>();
  /** Events a job went on without after STORE_BEHIND_LIMIT_MS: later jobs do not wait for them again. */
  private readonly givenUp = new Set<string>();
  /** Jobs that said they wait for the store (said once). */
  private readonly waiting = new Set<string>();

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
    // Not before the departments were read: the timer drains again (DepartmentDirectory.loaded).
    if (!this.directory.loaded) return;
    for (;;) {
      if (stopped()) return;
      const job = await this.jobs.lease(LEASE_MS);
      if (!job) return;
      try {
        // Stopped half-way, the job stays leased and is taken up again from its cursor when the lease ends.
        if (!(await this.run(job, stopped))) return;
        await this.jobs.finish(job.id);
        this.waiting.delete(job.id);
      } catch (err) {
        const message = (err as Error).message;
        await this.jobs.retryLater(job.id, message, RETRY_MS);
        // Waiting for the store is not a failure: said once per job (its `error` column says what it waits for).
        if (err instanceof StoreBehindRoutingError) {
          if (!this.waiting.has(job.id)) this.logger.warn(`re-projection ${job.id} waits: ${message}`);
          this.waiting.add(job.id);
          return;
        }
        this.logger.warn(`re-projection ${job.id} failed (${message}); taken up again in ${RETRY_MS} ms`);
        throw err;
      }
    }
  }

  /** Projects the job from its cursor; false if stopped before the end. */
  private async run(job: ProjectionJob, stopped: () => boolean): Promise<boolean> {
    // Queued after this router's directory was read (by another router, or before its refresh): read it again first.
    if (job.departmentId && BigInt(job.id) > BigInt(this.directory.generation.lastJobId))
      await this.directory.refresh();
    const index = this.directory.index;
    const grant = job.departmentId ? index.grant(job.departmentId) : undefined;
    if (job.departmentId && !grant) return true; // no longer a valid department: nothing to project
    let cursor = job.cursor;
    let projected = 0;
    if (cursor === null && !(await this.awaitStoreCaughtUp(job, stopped))) return false;
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
      const after: string | null = cursor.slice(FINDINGS_PHASE.length) || null;
      const read = async (): Promise<RoutableEvent[]> =>
        (await this.findings.currentPage(findingScope, after, PAGE)).map((p) =>
          routableFinding(findingMessageOf(p.finding, p.change)),
        );
      const page = await read();
      projected += await this.projectPage(job, page, read, (stored) => this.findingsAsRouted(stored));
      if (page.length < PAGE) break;
      cursor = FINDINGS_PHASE + page[page.length - 1].subject;
      await this.jobs.progress(job.id, cursor, LEASE_MS);
    }
    this.logger.log(
      `re-projection ${job.id} (${job.reason}${job.departmentId ? ` for ${job.departmentId}` : ''}): ${projected} changes`,
    );
    return true;
  }

  /**
   * Before a job's first page: the store must hold every record live routing routed without the job's department.
   * Live routing checks the directory inside its transaction, with its transaction id taken: a routing that checked
   * before the job was queued either committed before this check started or was in progress then — so the check
   * first waits for the transactions in progress, then reads `route_records`. A record routed live that the store does
   * not hold at all yet is on no page, and live routing never routes that version again: the department would lack it
   * for good. The normaliser publishes before it stores, so such records are waited for (a moment, or as long as a
   * normaliser stopped between the two takes; records routed since the job was queued are waited for too,
   * harmlessly). One check covers every job visible when it started. False if stopped.
   */
  private async awaitStoreCaughtUp(job: ProjectionJob, stopped: () => boolean): Promise<boolean> {
    if (this.storeCaughtUpFor.has(job.id)) return true;
    // Read before the check: every job visible now was queued before it started.
    const covered = await this.jobs.openJobIds();
    const deadline = Date.now() + STORE_WAIT_MS;
    const inProgress = await this.writer.transactionsInProgress();
    while (!(await this.writer.transactionsEnded(inProgress))) {
      if (stopped()) return false;
      if (Date.now() > deadline) {
        this.stillBehind(job, 'transactions in progress when the job started');
        return true;
      }
      await sleep(50);
    }
    for (;;) {
      const scan = await this.routedAheadOfStore(job, stopped);
      if (scan === null) return false;
      let ahead = scan.ahead;
      while (ahead.length && Date.now() < deadline) {
        if (stopped()) return false;
        await sleep(100);
        const stored = await this.canonical.storedEventIds(ahead.map((a) => a.eventId));
        ahead = ahead.filter((a) => !stored.has(a.eventId));
      }
      if (ahead.length) {
        const first = `${ahead[0].kind} ${ahead[0].insurer}/${ahead[0].subject} v${ahead[0].version}`;
        const what = `${scan.truncated ? 'more than ' : ''}${ahead.length} record(s) routed live are not in the canonical store yet (${first}, …)`;
        this.stillBehind(job, what);
        for (const a of ahead) this.givenUp.add(a.eventId);
        return true;
      }
      // Every record found is stored now; a scan that stopped at its limit looks again for the rest.
      if (!scan.truncated) break;
    }
    this.behindSince.delete(job.id);
    for (const id of [...covered, job.id]) this.storeCaughtUpFor.add(id);
    return true;
  }

  /**
   * Throws StoreBehindRoutingError (the job is taken up again in RETRY_MS) until STORE_BEHIND_LIMIT_MS have passed
   * since the job first waited; then returns, logged as the fault it is, and the job goes on without what it waited
   * for.
   */
  private stillBehind(job: ProjectionJob, what: string): void {
    const since = this.behindSince.get(job.id) ?? Date.now();
    this.behindSince.set(job.id, since);
    if (Date.now() - since < STORE_BEHIND_LIMIT_MS)
      throw new StoreBehindRoutingError(`${what}; the job waits for them`);
    this.behindSince.delete(job.id);
    this.logger.error(
      `re-projection ${job.id}: going on without what it waited for ${Math.round((Date.now() - since) / 60_000)} min: ` +
        `${what} — the department lacks them until their next version`,
    );
  }

  /**
   * Records live routing routed at a version whose event the canonical store does not hold (at most
   * AHEAD_LIMIT; `truncated` when there may be more), except those a job already went on without. Null if stopped.
   */
  private async routedAheadOfStore(
    job: ProjectionJob,
    stopped: () => boolean,
  ): Promise<{ ahead: (RecordKey & RoutedVersion)[]; truncated: boolean } | null> {
    const ahead: (RecordKey & RoutedVersion)[] = [];
    let after: RecordKey | null = null;
    for (let pages = 1; ; pages++) {
      if (stopped()) return null;
      const page = await this.writer.routedPage(RECORD_KINDS, after, ROUTED_PAGE);
      const stored = await this.canonical.storedEventIds(page.map((r) => r.eventId));
      for (const r of page) {
        if (stored.has(r.eventId) || this.givenUp.has(r.eventId)) continue;
        if (ahead.length === AHEAD_LIMIT) return { ahead, truncated: true };
        ahead.push(r);
      }
      if (page.length < ROUTED_PAGE) return { ahead, truncated: false };
      after = page[page.length - 1];
      // A province's routed records take a while: the job keeps its lease.
      if (pages % 20 === 0) await this.jobs.extendLease(job.id, LEASE_MS);
    }
  }

  /**
   * Projects one page of the store, each record as far as live routing has routed it. Records live routing routed
   * meanwhile (the write refuses them: RoutingMovedError) are planned again from the store, the rest is written as
   * planned; after a few rounds the job fails and is taken up again later.
   */
  private async projectPage(
    job: ProjectionJob,
    stored: RoutableEvent[],
    reread: () => Promise<RoutableEvent[]>,
    asRouted: (stored: RoutableEvent[]) => Promise<PageAsRouted>,
  ): Promise<number> {
    let projected = 0;
    let todo = stored;
    for (let round = 1; todo.length; round++) {
      const page = await asRouted(todo);
      const holdings = await this.writer.holdings(page.events);
      let changes = planRouting(page.events, new Map(), holdings, this.directory.index, {
        kind: 'reproject',
        departmentId: job.departmentId,
      }).changes;
      let handOver = page.handOver;
      const moved = new Set<string>();
      while (handOver.length) {
        try {
          projected += (await this.writer.apply(changes, [], [], { reprojection: handOver })).length;
          break;
        } catch (err) {
          if (!(err instanceof RoutingMovedError)) throw err;
          for (const k of err.moved) moved.add(k);
          changes = changes.filter((c) => !moved.has(recordKeyOf(c)));
          handOver = handOver.filter((h) => !moved.has(recordKeyOf(h)));
        }
      }
      if (!moved.size) break;
      if (round >= HAND_OVER_ROUNDS) throw new RoutingMovedError([...moved]);
      todo = (await reread()).filter((e) => moved.has(recordKeyOf(e)));
    }
    return projected;
  }

  /**
   * The records of a page as far as live routing has routed them: not routed, left out; routed at the stored version,
   * as stored; routed at another version, that version's event from the store (not there yet: StoreBehindRoutingError,
   * the page is projected again later).
   */
  private async recordsAsRouted(stored: RoutableEvent[]): Promise<PageAsRouted> {
    const routed = await this.writer.routed(stored);
    const wanted = stored.flatMap((s) => {
      const r = routed.get(recordKeyOf(s));
      return r && handOverOf(s, r) === 'routed' ? [r.eventId] : [];
    });
    const byId = await this.canonical.eventsById(wanted);
    const events: RoutableEvent[] = [];
    for (const s of stored) {
      const r = routed.get(recordKeyOf(s));
      const take = handOverOf(s, r);
      if (take === 'stored') events.push(s);
      if (take !== 'routed') continue;
      const e = byId.get(r!.eventId);
      if (!e) {
        throw new StoreBehindRoutingError(
          `${s.kind} ${s.insurer}/${s.subject}: routed live at version ${r!.version}, which the store does not hold yet`,
        );
      }
      events.push(routableOfStored(e));
    }
    return {
      events,
      handOver: handOverOfPage(stored, routed),
    };
  }

  /**
   * The findings of a page as far as live routing has routed them: only those it routed at their stored version. The
   * supervision store keeps a finding's latest state only, and the supervisor writes it before it publishes: a finding
   * routed at an older version (or not at all) has its newer version still to be routed live, to the department too.
   */
  private async findingsAsRouted(stored: RoutableEvent[]): Promise<PageAsRouted> {
    const routed = await this.writer.routed(stored);
    return {
      events: stored.filter((s) => handOverOf(s, routed.get(recordKeyOf(s))) === 'stored'),
      handOver: handOverOfPage(stored, routed),
    };
  }

  /** The canonical records' latest state, page by page from the job's cursor. */
  private async runRecords(job: ProjectionJob, stopped: () => boolean): Promise<number> {
    const grant = job.departmentId ? this.directory.index.grant(job.departmentId) : undefined;
    const filter = grant
      ? { regionPrefix: grant.regionPrefix, kinds: grant.records, sectors: grant.allSectors ? null : grant.sectors }
      : {};
    let cursor = job.cursor;
    let projected = 0;
    do {
      const after = cursor;
      const read = async () => await this.canonical.latestRecords(filter, after, PAGE);
      const { records, next } = await read();
      projected += await this.projectPage(
        job,
        records.map(routableOfStored),
        async () => (await read()).records.map(routableOfStored),
        (stored) => this.recordsAsRouted(stored),
      );
      cursor = next;
      if (cursor) await this.jobs.progress(job.id, cursor, LEASE_MS);
    } while (cursor && !stopped());
    return projected;
  }
}
