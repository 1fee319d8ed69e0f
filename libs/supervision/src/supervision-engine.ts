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
    const first = this.evaluations.size === 0;
    const changes = new ChangeCollector();
    this.totals = new FigureTotals();
    for (const uscc of this.state.usccs()) {
      const evaluation = evaluateEnterprise(this.state.enterprise(uscc), asOf, this.params);
      if (!first) changes.compare(this.evaluations.get(uscc)?.findings, evaluation.findings);
      this.evaluations.set(uscc, evaluation);
      this.totals.apply(evaluation.contributions);
    }
    if (first) return { opened: this.findings(), updated: [], resolved: [] };
    if (this.evaluations.size > this.state.enterpriseCount)
      for (const [uscc, gone] of this.evaluations)
        if (!this.state.enterprise(uscc)) {
          changes.compare(gone.findings, undefined);
          this.evaluations.delete(uscc);
        }
    return changes.sorted();
  }

  /** Re-evaluates the given enterprises on the current asOf (after `apply`), replacing their figure contributions. */
  reevaluate(usccs: Iterable<string>): FindingChanges {
    const asOf = this.current;
    if (asOf === null) throw new Error('reevaluate before evaluateAll: there is no asOf yet');
    const changes = new ChangeCollector();
    const done = new Set<string>();
    for (const uscc of usccs) {
      if (done.has(uscc)) continue;
      done.add(uscc);
      const previous = this.evaluations.get(uscc);
      if (previous) this.totals.apply(previous.contributions, -1);
      const records = this.state.enterprise(uscc);
      if (!records) {
        this.evaluations.delete(uscc);
        changes.compare(previous?.findings, undefined);
        continue;
      }
      const evaluation = evaluateEnterprise(records, asOf, this.params);
      this.evaluations.set(uscc, evaluation);
      this.totals.apply(evaluation.contributions);
      changes.compare(previous?.findings, evaluation.findings);
    }
    return changes.sorted();
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

const NONE: readonly Finding[] = [];

function sameKeys(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].rule !== b[i].rule || a[i].key !== b[i].key) return false;
  return true;
}

/** Same facts, attribution and message. */
function sameFinding(a: Finding, b: Finding): boolean {
  return (
    a.message === b.message &&
    a.insurer === b.insurer &&
    a.uscc === b.uscc &&
    a.regionCode === b.regionCode &&
    a.sector === b.sector &&
    sameValue(a.facts, b.facts)
  );
}

/** Deep equality of facts (numbers, strings, null, arrays and plain objects of them). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!sameValue(x[k], y[k])) return false;
  return true;
}

/** Collects the changes between enterprises' previous and current findings. */
class ChangeCollector {
  private readonly opened: Finding[] = [];
  private readonly updated: Finding[] = [];
  private readonly resolved: Finding[] = [];

  compare(was: readonly Finding[] = NONE, now: readonly Finding[] = NONE): void {
    if (was.length === 0) {
      for (const f of now) this.opened.push(f);
      return;
    }
    if (sameKeys(was, now)) {
      // the usual case: the same findings in the same order (an evaluation lists them deterministically)
      for (let i = 0; i < now.length; i++) if (!sameFinding(was[i], now[i])) this.updated.push(now[i]);
      return;
    }
    const old = new Map(was.map((f) => [`${f.rule} ${f.key}`, f]));
    for (const f of now) {
      const id = `${f.rule} ${f.key}`;
      const previous = old.get(id);
      if (!previous) this.opened.push(f);
      else if (!sameFinding(previous, f)) this.updated.push(f);
      old.delete(id);
    }
    for (const f of old.values()) this.resolved.push(f);
  }

  sorted(): FindingChanges {
    return {
      opened: this.opened.sort(compareFindings),
      updated: this.updated.sort(compareFindings),
      resolved: this.resolved.sort(compareFindings),
    };
  }
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
