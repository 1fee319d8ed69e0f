import type { IsoDate } from './supervision.types';

/*
 * Figures (SUPERVISION.md "Figures"): every member is a sum over enterprises, so each enterprise's evaluation yields
 * contributions (member, key, values) and the totals are their sums. The service keeps each enterprise's last
 * contributions and replaces them when it re-evaluates the enterprise; a row exists while one of its values is not 0.
 */

/** Key and value columns of each member, in output order. */
export const FIGURE_MEMBERS = {
  coverage: {
    keys: ['county', 'sector'],
    values: [
      'registered',
      'riskDeposit',
      'insured',
      'uninsured',
      'lapsed',
      'surrendered',
      'pending',
      'unregisteredInsured',
    ],
  },
  headcount: { keys: ['county', 'sector'], values: ['policies', 'insuredPersons', 'employees'] },
  ledger: { keys: ['insurer', 'county', 'quarter'], values: ['premiumFen', 'requiredFen', 'reportedFen', 'spendFen'] },
  serviceCoverage: {
    keys: ['insurer', 'county'],
    values: ['ended', 'endedComplete', 'inForce', 'inForceTraining', 'inForceRiskAssessment'],
  },
  premium: { keys: ['county', 'insurer'], values: ['policies', 'premiumFen'] },
  hazards: { keys: ['county', 'level'], values: ['reported', 'rectified', 'overdue'] },
  accidents: {
    keys: ['county', 'grade'],
    values: ['accidents', 'deaths', 'seriousInjuries', 'minorInjuries', 'directLossFen', 'reportedLate'],
  },
  claims: {
    keys: ['insurer', 'county'],
    values: ['claims', 'paid', 'rejected', 'withdrawn', 'open', 'paidFen', 'decisionLate', 'paymentLate'],
  },
} as const;
export type FigureMember = keyof typeof FIGURE_MEMBERS;
export const FIGURE_MEMBER_NAMES = Object.keys(FIGURE_MEMBERS) as FigureMember[];

/** Joins key columns; U+0000 sorts below every character, so joined keys sort like the tuples. */
export const KEY_SEPARATOR = '\u0000';

/** One enterprise's part of a figure row: `values` in the member's value-column order. */
export interface FigureContribution {
  readonly member: FigureMember;
  /** The key columns joined by {@link KEY_SEPARATOR}. */
  readonly key: string;
  readonly values: readonly number[];
}

export interface CoverageRow {
  county: string;
  sector: string;
  registered: number;
  riskDeposit: number;
  insured: number;
  uninsured: number;
  lapsed: number;
  surrendered: number;
  pending: number;
  unregisteredInsured: number;
  /** (insured + riskDeposit) / registered, half up to 4 decimals; null when registered is 0. */
  rate: number | null;
}
export interface HeadcountRow {
  county: string;
  sector: string;
  policies: number;
  insuredPersons: number;
  employees: number;
}
export interface LedgerRow {
  insurer: string;
  county: string;
  quarter: string;
  premiumFen: number;
  /** null where the pack's own rules do not apply to the county. */
  requiredFen: number | null;
  reportedFen: number;
  spendFen: number;
  balanceFen: number;
}
export interface ServiceCoverageRow {
  insurer: string;
  county: string;
  ended: number;
  endedComplete: number;
  inForce: number;
  inForceTraining: number;
  inForceRiskAssessment: number;
}
export interface PremiumRow {
  county: string;
  insurer: string;
  policies: number;
  premiumFen: number;
}
export interface HazardRow {
  county: string;
  level: string;
  reported: number;
  rectified: number;
  overdue: number;
}
export interface AccidentRow {
  county: string;
  grade: string;
  accidents: number;
  deaths: number;
  seriousInjuries: number;
  minorInjuries: number;
  directLossFen: number;
  reportedLate: number;
}
export interface ClaimRow {
  insurer: string;
  county: string;
  claims: number;
  paid: number;
  rejected: number;
  withdrawn: number;
  open: number;
  paidFen: number;
  decisionLate: number;
  paymentLate: number;
}

export interface Figures {
  asOf: IsoDate;
  /** The pack as given, e.g. `jining@1`. */
  pack: string;
  coverage: CoverageRow[];
  headcount: HeadcountRow[];
  ledger: LedgerRow[];
  serviceCoverage: ServiceCoverageRow[];
  premium: PremiumRow[];
  hazards: HazardRow[];
  accidents: AccidentRow[];
  claims: ClaimRow[];
}

/** `floor((20000 × covered + registered) / (2 × registered)) / 10000`: covered / registered half up to 4 decimals. */
export function coverageRate(covered: number, registered: number): number | null {
  if (registered === 0) return null;
  return Math.floor((20000 * covered + registered) / (2 * registered)) / 10000;
}

/** Sums of contributions: what the figures are made of. */
export class FigureTotals {
  private readonly totals = new Map<FigureMember, Map<string, number[]>>(
    FIGURE_MEMBER_NAMES.map((m) => [m, new Map<string, number[]>()]),
  );

  /** Adds (sign 1) or removes (sign −1) an enterprise's contributions. */
  apply(contributions: readonly FigureContribution[], sign: 1 | -1 = 1): void {
    for (const c of contributions) {
      if (c.values.every((v) => v === 0)) continue; // adds nothing, and its row may not exist
      const rows = this.totals.get(c.member)!;
      let row = rows.get(c.key);
      if (!row) {
        if (sign < 0) throw new Error(`no ${c.member} row ${c.key.split(KEY_SEPARATOR).join('/')} to remove from`);
        row = new Array<number>(c.values.length).fill(0);
        rows.set(c.key, row);
      }
      let zero = true;
      for (let i = 0; i < c.values.length; i++) {
        row[i] += sign * c.values[i];
        if (row[i] !== 0) zero = false;
      }
      if (zero) rows.delete(c.key);
    }
  }

  /**
   * The figures object. `requiredFenApplies(county)` says whether a ledger row's requiredFen is a sum (the pack's
   * own rules apply to the county) or null.
   */
  figures(asOf: IsoDate, pack: string, requiredFenApplies: (county: string) => boolean): Figures {
    const rowsOf = <T>(member: FigureMember, build: (key: string[], v: number[]) => T): T[] =>
      [...this.totals.get(member)!.entries()]
        .filter(([, v]) => v.some((x) => x !== 0))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => build(k.split(KEY_SEPARATOR), v));
    return {
      asOf,
      pack,
      coverage: rowsOf('coverage', ([county, sector], v) => ({
        county,
        sector,
        registered: v[0],
        riskDeposit: v[1],
        insured: v[2],
        uninsured: v[3],
        lapsed: v[4],
        surrendered: v[5],
        pending: v[6],
        unregisteredInsured: v[7],
        rate: coverageRate(v[2] + v[1], v[0]),
      })),
      headcount: rowsOf('headcount', ([county, sector], v) => ({
        county,
        sector,
        policies: v[0],
        insuredPersons: v[1],
        employees: v[2],
      })),
      ledger: rowsOf('ledger', ([insurer, county, quarter], v) => ({
        insurer,
        county,
        quarter,
        premiumFen: v[0],
        requiredFen: requiredFenApplies(county) ? v[1] : null,
        reportedFen: v[2],
        spendFen: v[3],
        balanceFen: v[2] - v[3],
      })),
      serviceCoverage: rowsOf('serviceCoverage', ([insurer, county], v) => ({
        insurer,
        county,
        ended: v[0],
        endedComplete: v[1],
        inForce: v[2],
        inForceTraining: v[3],
        inForceRiskAssessment: v[4],
      })),
      premium: rowsOf('premium', ([county, insurer], v) => ({ county, insurer, policies: v[0], premiumFen: v[1] })),
      hazards: rowsOf('hazards', ([county, level], v) => ({
        county,
        level,
        reported: v[0],
        rectified: v[1],
        overdue: v[2],
      })),
      accidents: rowsOf('accidents', ([county, grade], v) => ({
        county,
        grade,
        accidents: v[0],
        deaths: v[1],
        seriousInjuries: v[2],
        minorInjuries: v[3],
        directLossFen: v[4],
        reportedLate: v[5],
      })),
      claims: rowsOf('claims', ([insurer, county], v) => ({
        insurer,
        county,
        claims: v[0],
        paid: v[1],
        rejected: v[2],
        withdrawn: v[3],
        open: v[4],
        paidFen: v[5],
        decisionLate: v[6],
        paymentLate: v[7],
      })),
    };
  }
}
