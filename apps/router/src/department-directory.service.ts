import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Department, EntitlementIndex, type RulePack, validateDepartment } from '@ajx/authz';
import { type DirectoryGeneration, ProjectionJobsRepository } from '@ajx/dept-store';
import { AuditLog } from '@ajx/audit';
import { IdentityRepository } from '@ajx/identity';
import { RouterConfig } from './router.config';

/**
 * The departments and the rule pack, as an entitlement index, re-read periodically. A department seen for the
 * first time is queued for re-projection of its history; a changed rule pack queues a full re-scope.
 */
@Injectable()
export class DepartmentDirectory implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DepartmentDirectory.name);
  readonly pack: RulePack;
  private current: EntitlementIndex;
  private signature = '';
  private known: DirectoryGeneration = { lastJobId: '0', departmentIds: [] };
  private timer: NodeJS.Timeout | null = null;
  /** The timer's refresh under way (awaited at shutdown, before the database pool closes). */
  private refreshing: Promise<void> | null = null;
  private read = false;

  constructor(
    private readonly identity: IdentityRepository,
    private readonly jobs: ProjectionJobsRepository,
    private readonly config: RouterConfig,
    private readonly audit: AuditLog,
  ) {
    this.pack = config.rulePack();
    this.current = new EntitlementIndex(this.pack, []);
  }

  get index(): EntitlementIndex {
    return this.current;
  }

  /**
   * Whether the departments were read once. Until then the index knows none: a re-projection must not run (it would
   * take its department for one that no longer exists and finish with nothing projected, or withdraw every record in
   * a re-scope). Nest runs a module's bootstrap hooks together, so the re-projection's worker can start first.
   */
  get loaded(): boolean {
    return this.read;
  }

  /**
   * What the current index is up to: every department queued for re-projection up to `lastJobId` is in it (or was
   * refused as invalid). Live routing writes only if no other department was queued since (the hand-over to a new
   * department's re-projection, docs/reliability.md).
   */
  get generation(): DirectoryGeneration {
    return this.known;
  }

  async onApplicationBootstrap(): Promise<void> {
    const spec = `${this.pack.id}@${this.pack.version}`;
    const previous = await this.jobs.activeRulePack();
    if (previous !== spec) {
      await this.jobs.activateRulePack(this.pack.id, this.pack.version, this.pack, 'system:router');
      if (previous) await this.jobs.enqueueFullRescope(`rule pack ${previous} → ${spec}`);
      await this.audit.record({
        actor: 'system:router',
        action: 'rules.activate',
        target: spec,
        outcome: 'ok',
        details: { previous, kinds: this.pack.kinds.map((k) => k.kind) },
      });
      this.logger.log(`rule pack ${spec} active${previous ? ` (was ${previous}; views are re-scoped)` : ''}`);
    }
    await this.refresh();
    this.read = true;
    this.timer = setInterval(() => {
      if (this.refreshing) return;
      this.refreshing = this.refresh()
        .catch((e: Error) => this.logger.error(e.message))
        .finally(() => (this.refreshing = null));
    }, this.config.AJX_ROUTER_DIRECTORY_REFRESH_MS);
  }

  /**
   * Before the pool closes (its own shutdown hook): no refresh is started any more and the one under way ends, so no
   * query runs on a closed pool (in tests: a log line after the test file ended, which fails the Jest run).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing;
  }

  async refresh(): Promise<void> {
    // Read before the principals: a department queued up to this job was registered before they are read.
    const lastJobId = await this.jobs.lastJobId();
    const principals = (await this.identity.listPrincipals('department')).filter((p) => !p.disabledAt && p.department);
    const departments: Department[] = [];
    for (const p of principals) {
      const d: Department = {
        id: p.id,
        name: p.name,
        kind: p.department!.kind,
        level: p.department!.level,
        regionCode: p.department!.regionCode,
      };
      const problems = validateDepartment(d, this.pack);
      if (problems.length) this.logger.warn(`department ${p.id} ignored: ${problems.join('; ')}`);
      else departments.push(d);
    }
    const signature = departments
      .map((d) => `${d.id}|${d.kind}|${d.level}|${d.regionCode}`)
      .sort()
      .join('\n');
    const known = { lastJobId, departmentIds: departments.map((d) => d.id) };
    if (signature === this.signature) {
      this.known = known;
      return;
    }
    this.current = new EntitlementIndex(this.pack, departments);
    this.signature = signature;
    this.known = known;
    let queued: number;
    try {
      queued = await this.jobs.enqueueForNewDepartments(departments.map((d) => d.id));
    } catch (err) {
      // Not queued (PostgreSQL away): the next refresh must queue them, so it must not find this signature known.
      this.signature = '';
      throw err;
    }
    this.logger.log(
      `directory: ${departments.length} departments${queued ? `, ${queued} queued for re-projection` : ''}`,
    );
  }
}
