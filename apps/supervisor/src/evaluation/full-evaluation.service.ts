import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RegisterRepository } from '@ajx/interchange-store';
import {
  type RunReason,
  type RunScope,
  SupervisionFiguresRepository,
  SupervisionFindingsRepository,
  SupervisionRevisitsRepository,
  SupervisionRunsRepository,
  SupervisionVersionsRepository,
} from '@ajx/supervision-store';
import { FindingsPublisher } from '../findings.publisher';
import { SupervisionClock } from '../supervision-clock';
import { SupervisorConfig } from '../supervisor.config';
import { SupervisorMetrics } from '../supervisor.metrics';
import { EnterpriseEvaluationService, type EvaluationOutcome } from './enterprise-evaluation.service';

/**
 * Evaluates enterprises on today's date. A run of scope `all` (at start, on a register change, on an operator's
 * request) takes every enterprise: those the service holds records of, those in the register and those with open
 * findings (an enterprise that left the register resolves its findings). The daily run takes scope `due` once this
 * process has evaluated everything (ADR 0013): the enterprises whose revisit day has come and those marked as stored
 * by something that did not evaluate them; every other enterprise comes out the same as at its last evaluation (the
 * run having finished, its open findings count as found on its date — `foundOn`). Runs in chunks of AJX_SUPERVISION_CHUNK enterprises, each its
 * own transaction under the enterprises' locks, so live batches go on meanwhile and memory stays bounded;
 * AJX_SUPERVISION_FULL_CONCURRENCY chunks at a time. Recorded in `supervision_runs`.
 */
@Injectable()
export class FullEvaluationService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FullEvaluationService.name);
  /**
   * The asOf of this process's last successful run once one of scope `all` succeeded. The revisit days are only
   * trusted from then on: they were written by this release under this rule pack (the pack is read at start).
   */
  private evaluatedThrough: string | null = null;
  /** The register version that run evaluated against (a newer one needs every enterprise again). */
  private evaluatedRegister: number | null = null;

  constructor(
    private readonly config: SupervisorConfig,
    private readonly evaluation: EnterpriseEvaluationService,
    private readonly versions: SupervisionVersionsRepository,
    private readonly findings: SupervisionFindingsRepository,
    private readonly register: RegisterRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly figures: SupervisionFiguresRepository,
    private readonly revisits: SupervisionRevisitsRepository,
    private readonly clock: SupervisionClock,
    private readonly publisher: FindingsPublisher,
    private readonly metrics: SupervisorMetrics,
  ) {}

  /**
   * Forgets the figure digests when the service starts: a supervisor of the previous release (a rolling upgrade, a
   * rollback) rewrote figure rows without them, so the next evaluation of each enterprise writes its difference.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.figures.forgetDigests();
  }

  async run(reason: RunReason, requestedBy: string): Promise<EvaluationOutcome> {
    const asOf = this.clock.today();
    const registerVersion = await this.register.latestVersion();
    // A day earlier than the last run's (a clock set back) is not what the revisit days were computed towards; a
    // register changed since (its watcher may not have seen it yet) changes who must be insured.
    const scope: RunScope =
      reason === 'daily' &&
      this.evaluatedThrough !== null &&
      asOf >= this.evaluatedThrough &&
      registerVersion === this.evaluatedRegister
        ? 'due'
        : 'all';
    const runId = await this.runs.start(reason, scope, asOf, requestedBy, registerVersion);
    const started = Date.now();
    try {
      const marks = await this.revisits.marks();
      // Moves stored by a supervisor of the previous release were not listed; without them a chunk would rebuild a
      // moved record at its former enterprise. Whatever it stored left marks, so a run of due enterprises lists
      // them only then.
      if (scope === 'all' || marks.usccs.length) {
        const listed = await this.versions.listMovedRecords();
        if (listed) this.logger.warn(`${listed} moved-record entries were not listed yet (stored by an older release)`);
      }
      let candidates: string[][];
      if (scope === 'all')
        candidates = await Promise.all([
          this.versions.enterprises(),
          this.register.currentUsccs(),
          this.findings.enterprisesWithOpenFindings(),
        ]);
      else candidates = [await this.revisits.dueBy(asOf), marks.usccs];
      const total: EvaluationOutcome = { enterprises: 0, opened: 0, updated: 0, resolved: 0 };
      const size = this.config.AJX_SUPERVISION_CHUNK;
      const chunksOf = (usccs: readonly string[]) => {
        const out: string[][] = [];
        for (let i = 0; i < usccs.length; i += size) out.push(usccs.slice(i, i + size));
        return out;
      };
      // The marked enterprises that moved records name first, one chunk at a time: a record moved by something that
      // did not evaluate the move has its finding under the enterprise it left, and the chunks holding the two
      // enterprises must not decide about that finding at once (one resolving it, the other moving it). Every
      // enterprise a marked record names is marked (the trigger) and every move is listed by now, so these chunks
      // hold all of them; the other marked enterprises share no record with another and go with the rest.
      const moved = marks.usccs.length ? new Set(await this.versions.movedEnterprises()) : new Set<string>();
      const first = [...new Set(marks.usccs)].filter((u) => moved.has(u)).sort();
      const alone = new Set(first);
      const rest = [...new Set([...candidates.flat(), ...marks.usccs])].filter((u) => !alone.has(u)).sort();
      // Then a few chunks at once: while one waits on PostgreSQL another evaluates. Chunks hold disjoint enterprises,
      // so their locks never meet; the first failure stops the workers from taking more chunks and fails the run.
      const evaluateChunks = async (chunks: readonly string[][], concurrency: number) => {
        let next = 0;
        let failed = false;
        const worker = async () => {
          while (!failed && next < chunks.length) {
            const usccs = chunks[next++];
            const stop = this.metrics.evaluationSeconds.startTimer({ kind: 'full' });
            try {
              const o = await this.evaluation.evaluate(usccs, asOf, `system:supervisor:${reason}`);
              total.enterprises += o.enterprises;
              total.opened += o.opened;
              total.updated += o.updated;
              total.resolved += o.resolved;
              if (o.opened + o.updated + o.resolved > 0) this.publisher.kick();
            } catch (err) {
              failed = true;
              throw err;
            } finally {
              stop();
            }
          }
        };
        const workers = Math.min(concurrency, chunks.length);
        const settled = await Promise.allSettled(Array.from({ length: workers }, worker));
        const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failure) throw failure.reason;
      };
      await evaluateChunks(chunksOf(first), 1);
      await evaluateChunks(chunksOf(rest), this.config.AJX_SUPERVISION_FULL_CONCURRENCY);
      await this.revisits.forgetMarks(marks.markIds);
      await this.figures.snapshotCoverage(asOf);
      await this.runs.finish(runId, total);
      if (scope === 'all' || this.evaluatedThrough !== null) this.evaluatedThrough = asOf;
      if (scope === 'all') this.evaluatedRegister = registerVersion;
      this.metrics.fullRuns.inc({ reason, outcome: 'ok' });
      this.metrics.changes.inc({ change: 'opened' }, total.opened);
      this.metrics.changes.inc({ change: 'updated' }, total.updated);
      this.metrics.changes.inc({ change: 'resolved' }, total.resolved);
      this.logger.log(
        `${scope === 'all' ? 'full' : 'due'} evaluation (${reason}) on ${asOf}: ${total.enterprises} enterprises in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${total.opened} opened, ${total.updated} updated, ${total.resolved} resolved`,
      );
      return total;
    } catch (err) {
      // A run of every enterprise that failed (a register change, a new pack's first run) is made up by the next
      // daily run: it evaluates every enterprise again.
      if (scope === 'all') this.evaluatedThrough = null;
      await this.runs.finish(runId, { error: err instanceof Error ? err.message : String(err) });
      this.metrics.fullRuns.inc({ reason, outcome: 'error' });
      throw err;
    }
  }
}
