import { stableJson } from '@ajx/contracts';
import { compareCodePoints } from './code-point';
import { evaluateEnterprise, type EnterpriseEvaluation } from './enterprise.evaluator';
import { FigureTotals, type Figures } from './figures';
import { inJurisdiction, type SupervisionParameters } from './supervision-parameters';
import { SupervisionState } from './supervision-state';
import type { Finding, IsoDate, SupervisionInput, SupervisionRegisterEntry } from './supervision.types';

/** What changed in the findings of the enterprises an evaluation covered. */
export interface FindingChanges {
  /** Findings that did not exist before (or had been resolved). */
  readonly opened: readonly Finding[];
  /** Findings that still exist with other facts, attribution or message. */
  readonly updated: readonly Finding[];
  /** Findings that no longer exist: the condition stopped holding. */
  readonly resolved: readonly Finding[];
}

/** Sorts findings by rule, then key (code point order), as the command writes them. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareCodePoints(a.rule, b.rule) || compareCodePoints(a.key, b.key);
}

/**
 * Supervision of a whole deployment in memory: the state, each enterprise's last evaluation and the figure totals.
 * The live service applies each consumed batch and re-evaluates only the enterprises it touched
 * (`apply` + `reevaluate`), and runs `evaluateAll` when the day (asOf) changes; `ajx supervise` applies every event
 * and the register, then evaluates once. Both give the same findings and figures for the same data.
 */
export class SupervisionEngine {
  readonly state: SupervisionState;
  private readonly evaluations = new Map<string, EnterpriseEvaluation>();
  private totals = new FigureTotals();
  private current: IsoDate | null = null;

  constructor(
    readonly params: SupervisionParameters,
    state?: SupervisionState,
  ) {
    this.state = state ?? new SupervisionState();
  }

  /** The asOf of the last evaluation (null before the first). */
  get asOf(): IsoDate | null {
    return this.current;
  }

  /** Takes received versions; returns the enterprises they touched (to re-evaluate). */
  apply(inputs: Iterable<SupervisionInput>): Set<string> {
    const touched = new Set<string>();
    for (const input of inputs) for (const uscc of this.state.apply(input).touched) touched.add(uscc);
    return touched;
  }

  /** Replaces the register; returns the enterprises whose entry changed. */
  replaceRegister(entries: Iterable<SupervisionRegisterEntry>): Set<string> {
    return this.state.replaceRegister(entries);
  }

  /** Evaluates every enterprise on asOf (start-up, the daily run), starting the figures afresh. */
  evaluateAll(asOf: IsoDate): FindingChanges {
    this.current = asOf;
    const before = this.evaluations.size > 0 ? new Map(this.evaluations) : null;
    this.evaluations.clear();
    this.totals = new FigureTotals();
    for (const uscc of this.state.usccs()) {
      const evaluation = evaluateEnterprise(this.state.enterprise(uscc), asOf, this.params);
      this.evaluations.set(uscc, evaluation);
      this.totals.apply(evaluation.contributions);
    }
    if (!before) return { opened: [...this.findings()], updated: [], resolved: [] };
    const usccs = new Set([...before.keys(), ...this.evaluations.keys()]);
    return diffFindings(
      usccs,
      (u) => before.get(u)?.findings,
      (u) => this.evaluations.get(u)?.findings,
    );
  }

  /** Re-evaluates the given enterprises on the current asOf (after `apply`), replacing their figure contributions. */
  reevaluate(usccs: Iterable<string>): FindingChanges {
    const asOf = this.current;
    if (asOf === null) throw new Error('reevaluate before evaluateAll: there is no asOf yet');
    const before = new Map<string, readonly Finding[] | undefined>();
    for (const uscc of usccs) {
      if (before.has(uscc)) continue;
      const previous = this.evaluations.get(uscc);
      before.set(uscc, previous?.findings);
      if (previous) this.totals.apply(previous.contributions, -1);
      const records = this.state.enterprise(uscc);
      if (!records) {
        this.evaluations.delete(uscc);
        continue;
      }
      const evaluation = evaluateEnterprise(records, asOf, this.params);
      this.evaluations.set(uscc, evaluation);
      this.totals.apply(evaluation.contributions);
    }
    return diffFindings(
      before.keys(),
      (u) => before.get(u),
      (u) => this.evaluations.get(u)?.findings,
    );
  }

  /** Every current finding, sorted by rule then key. */
  findings(): Finding[] {
    const all: Finding[] = [];
    for (const e of this.evaluations.values()) for (const f of e.findings) all.push(f);
    return all.sort(compareFindings);
  }

  /** The current findings of one enterprise. */
  findingsOf(uscc: string): readonly Finding[] {
    return this.evaluations.get(uscc)?.findings ?? [];
  }

  /** The figures on the current asOf; `pack` is written as given (e.g. `jining@1`). */
  figures(pack: string = this.params.pack): Figures {
    if (this.current === null) throw new Error('figures before evaluateAll: there is no asOf yet');
    return this.totals.figures(this.current, pack, (county) => inJurisdiction(this.params, county));
  }
}

function diffFindings(
  usccs: Iterable<string>,
  before: (uscc: string) => readonly Finding[] | undefined,
  after: (uscc: string) => readonly Finding[] | undefined,
): FindingChanges {
  const opened: Finding[] = [];
  const updated: Finding[] = [];
  const resolved: Finding[] = [];
  for (const uscc of usccs) {
    const old = new Map((before(uscc) ?? []).map((f) => [`${f.rule} ${f.key}`, f]));
    for (const f of after(uscc) ?? []) {
      const id = `${f.rule} ${f.key}`;
      const was = old.get(id);
      if (!was) opened.push(f);
      else if (stableJson(was) !== stableJson(f)) updated.push(f);
      old.delete(id);
    }
    resolved.push(...old.values());
  }
  return {
    opened: opened.sort(compareFindings),
    updated: updated.sort(compareFindings),
    resolved: resolved.sort(compareFindings),
  };
}

/** Evaluates everything once (what `ajx supervise` does). */
export function supervise(
  params: SupervisionParameters,
  inputs: Iterable<SupervisionInput>,
  register: Iterable<SupervisionRegisterEntry>,
  asOf: IsoDate,
  pack: string = params.pack,
): { findings: Finding[]; figures: Figures } {
  const engine = new SupervisionEngine(params);
  engine.apply(inputs);
  engine.replaceRegister(register);
  engine.evaluateAll(asOf);
  return { findings: engine.findings(), figures: engine.figures(pack) };
}
