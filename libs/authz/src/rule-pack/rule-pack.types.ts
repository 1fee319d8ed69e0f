import type { RecordKind, Sector, ServiceItem } from '@ajx/contracts';

/** Whether a class of fields (personal, commercial) reaches a department as is or masked. */
export type Visibility = 'visible' | 'masked';
export const VISIBILITIES = ['visible', 'masked'] as const satisfies readonly Visibility[];

/**
 * A kind's part in the urgent lane for major hazards: the coordinator (应急管理) is always notified, a sector kind
 * for the sectors it supervises, `none` never (e.g. the financial regulator, which receives no hazards).
 */
export type UrgentRole = 'coordinator' | 'sector' | 'none';
export const URGENT_ROLES = ['coordinator', 'sector', 'none'] as const satisfies readonly UrgentRole[];

/** The rules of one department kind, as loaded (validated, `"all"` sectors expanded, frozen). */
export interface KindRule {
  readonly kind: string;
  readonly name: string;
  readonly description: string | null;
  /** The pack said `"all"`: every sector of the data standard, including ones added later. */
  readonly allSectors: boolean;
  readonly sectors: readonly Sector[];
  readonly records: readonly RecordKind[];
  readonly personal: Visibility;
  readonly commercial: Visibility;
  readonly urgentRole: UrgentRole;
}

export interface RulePackIdentity {
  readonly id: string;
  readonly version: number;
}

/** A validated rule pack. Identity is `{id, version}`: any change of the rules is a new version. */
export interface RulePack extends RulePackIdentity {
  readonly name: string;
  readonly description: string | null;
  readonly kinds: readonly KindRule[];
  /** The supervision rules and parameters (SUPERVISION.md); null for a pack without them. */
  readonly supervision: SupervisionRules | null;
}

/** `default@1`: the identity as one string (logs, audit entries, configuration). */
export function rulePackKey(pack: RulePackIdentity): string {
  return `${pack.id}@${pack.version}`;
}

export function findKindRule(pack: RulePack, kind: string): KindRule | undefined {
  return pack.kinds.find((k) => k.kind === kind);
}

/** The supervision rules of SUPERVISION.md (监管规则), in the order of its tables. */
export const SUPERVISION_RULE_IDS = [
  'UNINSURED',
  'LAPSED',
  'SURRENDERED',
  'RENEWAL_DUE',
  'PARTIAL_HEADCOUNT',
  'HEADCOUNT_REDUCED',
  'RENEWAL_INSURER_CHANGED',
  'OUT_OF_TERRITORY',
  'RATE_MISMATCH',
  'RATE_BELOW_FLOOR',
  'RATE_UNVERIFIABLE',
  'FEE_UNDER_ACCRUED',
  'SERVICE_MISSING',
  'HAZARD_OVERDUE',
  'HAZARD_REPORTED_LATE',
  'GRADE_MISMATCH',
  'ACCIDENT_REPORTED_LATE',
  'CLAIM_DECISION_LATE',
  'CLAIM_PAYMENT_LATE',
  'ACCIDENT_FACTOR_UNDERSTATED',
] as const;
export type SupervisionRuleId = (typeof SUPERVISION_RULE_IDS)[number];

/** A county of the territory table (济宁 三): the insurers that may insure any sector there. */
export interface TerritoryCounty {
  readonly code: string;
  readonly name: string;
  readonly insurers: readonly string[];
}

/** OUT_OF_TERRITORY's table. Counties not listed are not checked. */
export interface TerritoryTable {
  readonly counties: readonly TerritoryCounty[];
  /** Sectors open to every insurer across the jurisdiction. */
  readonly citywideSectors: readonly Sector[];
  /** Sectors one insurer may insure across the jurisdiction (济宁: CPIC, construction). */
  readonly citywideInsurerSectors: readonly { readonly insurer: string; readonly sectors: readonly Sector[] }[];
}

/** The four rate factors of a policy (data standard v1 `premium.factors`). */
export const RATE_FACTORS = ['standardization', 'safetyCulture', 'advancedUnit', 'priorYearAccident'] as const;
export type RateFactor = (typeof RATE_FACTORS)[number];

/** Rate terms in percent for each level of each factor, and the floor of the adjustment (济宁 四(二)). */
export interface RateTable {
  readonly floor: number;
  readonly terms: { readonly [F in RateFactor]: Readonly<Record<string, number>> };
}

/**
 * The supervision section of a pack as loaded: which rules apply where, and their parameters (null: not set by the
 * pack; `@ajx/supervision` applies the defaults of SUPERVISION.md).
 */
export interface SupervisionRules {
  readonly description: string | null;
  /** Region-code prefix of the records the pack's own rules apply to; null: no own rules. */
  readonly jurisdiction: string | null;
  /** Rules applied to every record. */
  readonly rules: readonly SupervisionRuleId[];
  /** Rules applied to records whose `enterprise.regionCode` starts with `jurisdiction`. */
  readonly ownRules: readonly SupervisionRuleId[];
  readonly renewalNoticeDays: number | null;
  readonly lookbackDays: number | null;
  readonly feeRateBp: number | null;
  readonly requiredItems: readonly ServiceItem[] | null;
  readonly majorReportHours: number | null;
  readonly accidentReportHours: number | null;
  readonly claimDecisionDays: number | null;
  readonly claimPaymentDays: number | null;
  readonly territories: TerritoryTable | null;
  readonly rate: RateTable | null;
}
