import {
  beijingDayOf,
  type ConfirmedFinding,
  dayNumber,
  type Figures,
  type Finding,
  type LadderPosition,
  supervise,
  type SupervisedKind,
  type SupervisedRecordOfKind,
  type SupervisionInput,
  type SupervisionParameters,
  type SupervisionRegisterEntry,
  subjectOf,
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

/** The rules' results on one date. */
export interface DateEvaluation {
  asOf: string;
  findings: Finding[];
  figures: Figures;
}

/** The latest version of every record, by kind. */
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
  records: LatestRecords;
  targets: readonly (ReportTarget & { city: string })[];
  ladder: LadderPosition[];
  generatedAt: string;
}

export function latestRecords(inputs: readonly SupervisionInput[]): LatestRecords {
  const latest = new Map<string, SupervisionInput>();
  for (const input of inputs) {
    const r = input.record as { insurer: string; version: number };
    const id = `${input.kind}\u0000${r.insurer}\u0000${subjectOf(input)}`;
    const held = latest.get(id);
    if (!held || (held.record as { version: number }).version < r.version) latest.set(id, input);
  }
  const out: LatestRecords = { policy: [], service: [], hazard: [], accident: [], claim: [] };
  for (const input of latest.values()) (out[input.kind] as unknown[]).push(input.record);
  return out;
}

/** Evaluates the rules on the period's last day and on the day before it began, with the same inputs. */
export function evaluatePeriod(data: ReportData, period: ReportPeriodSpec): PeriodEvaluation {
  const at = (asOf: string): DateEvaluation => ({ asOf, ...supervise(data.params, data.inputs, data.register, asOf) });
  const year = Number(period.to.slice(0, 4));
  return {
    period,
    params: data.params,
    end: at(period.to),
    before: at(dayBefore(period.from)),
    records: latestRecords(data.inputs),
    targets: data.targets ?? [],
    ladder: violationLadder(data.confirmed ?? []).filter((p) => p.year === year),
    generatedAt: data.generatedAt,
  };
}

/** Whether a Beijing datetime or date falls in the period. */
export function inPeriod(period: ReportPeriodSpec, dateOrDateTime: string): boolean {
  const day = dateOrDateTime.length === 10 ? dayNumber(dateOrDateTime) : beijingDayOf(dateOrDateTime);
  return day >= dayNumber(period.from) && day <= dayNumber(period.to);
}
