import {
  beijingDayOf,
  compareCodePoints,
  type ConfirmedFinding,
  dayNumber,
  type EnterpriseRecords,
  evaluateEnterprise,
  FigureTotals,
  type Figures,
  type Finding,
  inJurisdiction,
  type LadderPosition,
  type SupervisedKind,
  type SupervisedPolicy,
  type SupervisedRecordOfKind,
  type SupervisionInput,
  type SupervisionParameters,
  type SupervisionRegisterEntry,
  SupervisionState,
  violationLadder,
} from '@ajx/supervision';
import { dayBefore, type ReportPeriodSpec } from './report-period';

/** A year's target of a county or an insurer (七(九)), as the city set it. */
export interface ReportTarget {
  scope: 'county' | 'insurer';
  scopeId: string;
  insured: number | null;
  premiumFen: number | null;
}

/** Everything a report is computed from: the supervision service's inputs, unchanged. */
export interface ReportData {
  params: SupervisionParameters;
  /** Every version of every record held (any order; a version given twice counts once: the first). */
  inputs: readonly SupervisionInput[];
  register: readonly SupervisionRegisterEntry[];
  /** Targets of the year of the period's end (every city's). */
  targets?: readonly (ReportTarget & { city: string })[];
  /** Findings departments confirmed (the violation ladder). */
  confirmed?: readonly ConfirmedFinding[];
  /** When the report is generated (ISO 8601 with offset). */
  generatedAt: string;
}

/** Where a finding stood on a date: the county and the insurer it was attributed to. */
export type FindingPlace = Pick<Finding, 'insurer' | 'regionCode'>;

/**
 * Findings of one rule counted by where they stood on the period's last day (`end`) and on the day before it began
 * (`before`; `null`: not found that day). A finding's county or insurer can differ between the two days, so a report
 * of a county counts it as opened there and one of the city as neither opened nor resolved — what reports read of
 * findings, without holding each of the province's findings.
 */
export interface FindingTally {
  rule: Finding['rule'];
  end: FindingPlace | null;
  before: FindingPlace | null;
  count: number;
}

/** The rules' figures on one date. */
export interface DateEvaluation {
  asOf: string;
  figures: Figures;
}

/**
 * The latest version of the records the reports read, by kind: the policies of enterprises with a policy starting in
 * the period (new or renewed, with their predecessors); services
 * ended and hazards discovered in the period; every accident and claim. Everything else is in the figures and
 * findings, so a report of a province does not hold every record.
 */
export type LatestRecords = { [K in SupervisedKind]: SupervisedRecordOfKind[K][] };

/**
 * A period evaluated: the figures and findings as of its last day (`end`) and as of the day before it started
 * (`before`, for week-over-week changes and the findings opened and resolved in the period), plus the latest records
 * (activity in the period: new and renewed policies, services, hazards, accidents).
 */
export interface PeriodEvaluation {
  period: ReportPeriodSpec;
  params: SupervisionParameters;
  end: DateEvaluation;
  before: DateEvaluation;
  /** The findings of both dates, counted (ordered by rule and places). */
  findings: FindingTally[];
  /** Keys of the `ACCIDENT_REPORTED_LATE` findings on the period's last day (`insurer/accidentId`). */
  lateAccidents: ReadonlySet<string>;
  records: LatestRecords;
  targets: readonly (ReportTarget & { city: string })[];
  ladder: LadderPosition[];
  generatedAt: string;
}

/**
 * Evaluates a period enterprise by enterprise: `add` takes the versions of some enterprises (with every other version
 * of their records — a record that moved between enterprises belongs to the enterprise of its latest version) and
 * their register entries, evaluates them on the period's last day and on the day before it began, and keeps their
 * figure contributions, what reports read of their findings and the records the reports read. Memory is bounded by
 * one chunk of versions plus what the reports keep, not by the versions held; the result does not depend on how
 * the enterprises are divided into chunks.
 */
export class PeriodEvaluator {
  private readonly endOn: string;
  private readonly beforeOn: string;
  private readonly totals = { end: new FigureTotals(), before: new FigureTotals() };
  private readonly tallies = new Map<string, FindingTally>();
  private readonly lateAccidents = new Set<string>();
  private readonly records: LatestRecords = { policy: [], service: [], hazard: [], accident: [], claim: [] };
  private readonly seen = new Set<string>();

  constructor(
    private readonly params: SupervisionParameters,
    readonly period: ReportPeriodSpec,
  ) {
    this.endOn = period.to;
    this.beforeOn = dayBefore(period.from);
  }

  /** Evaluates these enterprises (each once in a period: a second time is an error). */
  add(usccs: Iterable<string>, inputs: Iterable<SupervisionInput>, register: Iterable<SupervisionRegisterEntry>): void {
    const state = new SupervisionState();
    for (const input of inputs) state.apply(input);
    for (const entry of register) state.putRegisterEntry(entry);
    for (const uscc of usccs) {
      if (this.seen.has(uscc)) throw new Error(`enterprise ${uscc} evaluated twice in one period`);
      this.seen.add(uscc);
      const records = state.enterprise(uscc);
      if (!records) continue;
      const end = evaluateEnterprise(records, this.endOn, this.params);
      const before = evaluateEnterprise(records, this.beforeOn, this.params);
      this.totals.end.apply(end.contributions);
      this.totals.before.apply(before.contributions);
      // A finding is identified by its rule and key (SUPERVISION.md), the same on both days: both evaluations are of
      // the same records. Counted once per day, as the service stores it.
      const earlier = new Map<string, Finding>();
      for (const f of before.findings) {
        const id = `${f.rule}\u0000${f.key}`;
        if (!earlier.has(id)) earlier.set(id, f);
      }
      const atEnd = new Set<string>();
      for (const f of end.findings) {
        const id = `${f.rule}\u0000${f.key}`;
        if (atEnd.has(id)) continue;
        atEnd.add(id);
        this.tally(f.rule, f, earlier.get(id) ?? null);
        earlier.delete(id);
        if (f.rule === 'ACCIDENT_REPORTED_LATE') this.lateAccidents.add(f.key);
      }
      for (const f of earlier.values()) this.tally(f.rule, null, f);
      this.keepRecords(records);
    }
  }

  private tally(rule: Finding['rule'], end: FindingPlace | null, before: FindingPlace | null): void {
    const id = [rule, placeId(end), placeId(before)].join('\u0001');
    const known = this.tallies.get(id);
    if (known) known.count++;
    else this.tallies.set(id, { rule, end: placeOf(end), before: placeOf(before), count: 1 });
  }

  private keepRecords(e: EnterpriseRecords): void {
    const policies = [...e.policy.values()].map((r) => r.latest);
    const startsInPeriod = policies.some((p) => !isVoid(p) && inPeriod(this.period, p.coverage.start));
    if (startsInPeriod) for (const p of policies) this.records.policy.push(p);
    for (const { latest } of e.service.values())
      if (inPeriod(this.period, latest.endedAt)) this.records.service.push(latest);
    for (const { latest } of e.hazard.values())
      if (inPeriod(this.period, latest.discoveredAt)) this.records.hazard.push(latest);
    for (const { latest } of e.accident.values()) this.records.accident.push(latest);
    for (const { latest } of e.claim.values()) this.records.claim.push(latest);
  }

  /** The period evaluated, with the year's targets, the violation ladder and when it is generated. */
  finish(data: Pick<ReportData, 'targets' | 'confirmed' | 'generatedAt'>): PeriodEvaluation {
    const year = Number(this.period.to.slice(0, 4));
    const applies = (county: string) => inJurisdiction(this.params, county);
    const at = (when: 'end' | 'before', asOf: string): DateEvaluation => ({
      asOf,
      figures: this.totals[when].figures(asOf, this.params.pack, applies),
    });
    return {
      period: this.period,
      params: this.params,
      end: at('end', this.endOn),
      before: at('before', this.beforeOn),
      findings: [...this.tallies.entries()].sort(([a], [b]) => compareCodePoints(a, b)).map(([, t]) => t),
      lateAccidents: this.lateAccidents,
      records: this.records,
      targets: data.targets ?? [],
      ladder: violationLadder(data.confirmed ?? []).filter((p) => p.year === year),
      generatedAt: data.generatedAt,
    };
  }
}

const placeId = (p: FindingPlace | null) => (p === null ? '-' : `${p.regionCode}\u0000${p.insurer ?? ''}`);
const placeOf = (p: FindingPlace | null): FindingPlace | null =>
  p === null ? null : { regionCode: p.regionCode, insurer: p.insurer };

/** Void: cancelled on or before its start (SUPERVISION.md). */
export const isVoid = (p: SupervisedPolicy) => p.cancelledOn !== null && p.cancelledOn <= p.coverage.start;

/** Evaluates a period over everything at once (tests, small deployments): one chunk of `PeriodEvaluator`. */
export function evaluatePeriod(data: ReportData, period: ReportPeriodSpec): PeriodEvaluation {
  const evaluator = new PeriodEvaluator(data.params, period);
  // Every enterprise a version or the register names (one without records of its own evaluates to nothing).
  const usccs = new Set([...data.inputs.map((i) => i.record.enterprise.uscc), ...data.register.map((e) => e.uscc)]);
  evaluator.add(usccs, data.inputs, data.register);
  return evaluator.finish(data);
}

/** Whether a Beijing datetime or date falls in the period. */
export function inPeriod(period: ReportPeriodSpec, dateOrDateTime: string): boolean {
  const day = dateOrDateTime.length === 10 ? dayNumber(dateOrDateTime) : beijingDayOf(dateOrDateTime);
  return day >= dayNumber(period.from) && day <= dayNumber(period.to);
}
