import { Injectable } from '@nestjs/common';
import { stableJson } from '@ajx/contracts';
import { RegisterRepository } from '@ajx/interchange-store';
import {
  evaluateEnterprise,
  FIGURE_MEMBERS,
  findingId,
  KEY_SEPARATOR,
  SupervisionState,
  supervisionParameters,
  type EnterpriseRecords,
  type Finding,
  type SupervisionParameters,
  type SupervisionRegisterEntry,
} from '@ajx/supervision';
import {
  type EvaluatedChange,
  type StoredContribution,
  type FindingAsFound,
  type Revisit,
  type StoredVersion,
  SupervisionFiguresRepository,
  SupervisionFindingsRepository,
  SupervisionRevisitsRepository,
  SupervisionVersionsRepository,
} from '@ajx/supervision-store';
import { DataSource, type EntityManager } from 'typeorm';
import { SupervisorConfig } from '../supervisor.config';

/** What one evaluation changed. */
export interface EvaluationOutcome {
  enterprises: number;
  opened: number;
  updated: number;
  resolved: number;
}

const NOTHING: EvaluationOutcome = { enterprises: 0, opened: 0, updated: 0, resolved: 0 };

/** Same finding as stored: facts, message, attribution and severity unchanged. */
function unchanged(stored: FindingAsFound, found: Finding): boolean {
  return (
    stored.message === found.message &&
    stored.severity === found.severity &&
    stored.insurer === found.insurer &&
    stored.uscc === found.uscc &&
    stored.regionCode === found.regionCode &&
    stored.sector === found.sector &&
    // Key order is not kept by jsonb: facts are compared in a canonical form.
    stableJson(stored.facts) === stableJson(found.facts)
  );
}

/** The finding as it was last found (for a resolution). */
function asFinding(s: FindingAsFound): Finding {
  return {
    rule: s.rule,
    key: s.key,
    severity: s.severity,
    insurer: s.insurer,
    uscc: s.uscc,
    regionCode: s.regionCode,
    sector: s.sector,
    facts: s.facts,
    message: s.message,
  } as Finding;
}

/** The sector an enterprise's figure rows count for when the row's key has none: its register entry's, else its records'. */
function sectorOf(e: EnterpriseRecords | undefined): string {
  if (!e) return 'other';
  if (e.register) return e.register.sector;
  for (const kind of ['policy', 'service', 'hazard', 'accident', 'claim'] as const)
    for (const r of e[kind].values()) return r.latest.enterprise.sector;
  return 'other';
}

/**
 * Evaluates enterprises inside one transaction: locks them (so a live batch and the daily run never evaluate the same
 * enterprise at once), rebuilds their state from the stored versions and the register, runs the rules, and writes
 * what changed — finding states with their history (each change raising the finding's version, for the outbox) and
 * the enterprises' figure contributions. Everything of a batch commits together, after which its offsets may be
 * committed: replaying the batch finds every version already received and changes nothing.
 */
@Injectable()
export class EnterpriseEvaluationService {
  readonly params: SupervisionParameters;

  constructor(
    config: SupervisorConfig,
    private readonly db: DataSource,
    private readonly versions: SupervisionVersionsRepository,
    private readonly findings: SupervisionFindingsRepository,
    private readonly figures: SupervisionFiguresRepository,
    private readonly register: RegisterRepository,
    private readonly revisits: SupervisionRevisitsRepository,
  ) {
    this.params = supervisionParameters(config.rulePack());
  }

  /**
   * Stores received versions and evaluates the enterprises they touch (the record's enterprise now and before) on
   * `asOf`. Versions received before change nothing; returns what the evaluation changed.
   */
  async receive(received: readonly StoredVersion[], asOf: string, actor: string): Promise<EvaluationOutcome> {
    if (!received.length) return NOTHING;
    return this.db.transaction(async (tx) => {
      // The records are locked by the store, then every enterprise their versions name at once: one ordered
      // statement per lock class, and a full evaluation only ever takes enterprise locks — no lock-order deadlock.
      // Every enterprise the stored versions name is evaluated here, its revisit day written: no mark is left.
      await this.revisits.writtenInTransaction(tx);
      const { fresh, enterprises } = await this.versions.insertNew(tx, received);
      if (!fresh.length) return NOTHING;
      await this.lock(tx, enterprises);
      return this.evaluateIn(tx, enterprises, asOf, actor, true);
    });
  }

  /**
   * Evaluates these enterprises on `asOf` in one transaction (a chunk of a run). Unchanged findings keep their row:
   * the run, once finished, counts as having found them so (`foundOn`), without rewriting every open finding a day.
   */
  async evaluate(usccs: readonly string[], asOf: string, actor: string): Promise<EvaluationOutcome> {
    if (!usccs.length) return NOTHING;
    return this.db.transaction(async (tx) => {
      await this.lock(tx, usccs);
      return this.evaluateIn(tx, usccs, asOf, actor, false);
    });
  }

  /** Transaction-scoped advisory locks per enterprise, taken in a fixed order (no lock-order deadlock between batches). */
  private async lock(tx: EntityManager, usccs: readonly string[]): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('supervision:' || u, 0))
         FROM (SELECT DISTINCT unnest($1::text[]) AS u ORDER BY 1) s`,
      [usccs],
    );
  }

  private async evaluateIn(
    tx: EntityManager,
    usccs: readonly string[],
    asOf: string,
    actor: string,
    stampUnchanged: boolean,
  ): Promise<EvaluationOutcome> {
    const [stored, entries] = await Promise.all([
      this.versions.inputsOf(tx, usccs),
      this.register.supervisionEntriesOf(usccs),
    ]);
    const state = new SupervisionState();
    for (const v of stored) state.apply(v);
    for (const e of entries) {
      const entry: SupervisionRegisterEntry = {
        uscc: e.uscc,
        regionCode: e.regionCode,
        sector: e.sector,
        employeeCount: e.employeeCount,
        alternative: e.alternative === 'risk_deposit' ? 'risk_deposit' : null,
      };
      state.putRegisterEntry(entry);
    }

    const found = new Map<string, Finding>();
    const contributions: (StoredContribution & { uscc: string })[] = [];
    const revisits: Revisit[] = [];
    for (const uscc of usccs) {
      const records = state.enterprise(uscc);
      const evaluation = evaluateEnterprise(records, asOf, this.params);
      revisits.push({ uscc, revisitOn: evaluation.revisitOn });
      for (const f of evaluation.findings) found.set(findingId(f.rule, f.key), f);
      const enterpriseSector = sectorOf(records);
      // An enterprise may contribute to one row several times (one per policy): one stored row per (member, key).
      const rows = new Map<string, StoredContribution & { uscc: string }>();
      for (const c of evaluation.contributions) {
        const id = `${c.member}\u0000${c.key}`;
        const row = rows.get(id);
        if (row) {
          rows.set(id, { ...row, values: row.values.map((v, i) => v + (c.values[i] ?? 0)) });
          continue;
        }
        const keys = FIGURE_MEMBERS[c.member].keys as readonly string[];
        const parts = c.key.split(KEY_SEPARATOR);
        const sectorAt = keys.indexOf('sector');
        rows.set(id, {
          uscc,
          member: c.member,
          key: c.key,
          values: [...c.values],
          county: parts[keys.indexOf('county')],
          sector: sectorAt >= 0 ? parts[sectorAt] : enterpriseSector,
        });
      }
      contributions.push(...rows.values());
    }

    // What is stored of the findings found: mostly the open ones of these enterprises (read anyway, for resolutions);
    // the rest — new, resolved before, or held under another enterprise — by id.
    const open = await this.findings.openOf(tx, usccs);
    const known = new Map(open.map((f) => [f.findingId, f]));
    const unread = [...found.keys()].filter((id) => !known.has(id));
    for (const [id, f] of await this.findings.byIds(tx, unread)) known.set(id, f);
    const changes: EvaluatedChange[] = [];
    for (const [id, finding] of found) {
      const before = known.get(id);
      if (!before) changes.push({ findingId: id, change: 'opened', finding });
      else if (before.state === 'resolved') changes.push({ findingId: id, change: 'reopened', finding });
      else if (!unchanged(before, finding)) changes.push({ findingId: id, change: 'updated', finding });
    }
    for (const before of open)
      if (!found.has(before.findingId))
        changes.push({ findingId: before.findingId, change: 'resolved', finding: asFinding(before) });

    await this.findings.applyEvaluation(tx, changes, asOf, new Date(), actor);
    if (stampUnchanged) await this.findings.markEvaluated(tx, usccs, asOf);
    await this.figures.replace(tx, usccs, contributions);
    await this.revisits.record(tx, revisits);
    const count = (c: EvaluatedChange['change']) => changes.filter((x) => x.change === c).length;
    return {
      enterprises: usccs.length,
      opened: count('opened') + count('reopened'),
      updated: count('updated'),
      resolved: count('resolved'),
    };
  }
}
