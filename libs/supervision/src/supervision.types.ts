import type { SupervisionRuleId } from '@ajx/authz';
import type { Sector, ServiceItem } from '@ajx/contracts';

/*
 * What the supervision rules read, as structural types: the canonical records of data standard v1 (policy, service,
 * hazard) and v2 (accident, claim) are assignable to them, and nothing else of a record is needed. A record is
 * identified by (insurer, kind, subject); the rules read its latest version.
 */

/** `YYYY-MM-DD` (a Beijing date). */
export type IsoDate = string;
/** `YYYY-MM-DDTHH:mm:ss+08:00` as in the canonical records. */
export type BeijingDateTime = string;

export interface SupervisedEnterprise {
  readonly uscc: string;
  readonly regionCode: string;
  readonly sector: Sector;
}

export const FACTOR_NAMES = ['standardization', 'safetyCulture', 'advancedUnit', 'priorYearAccident'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

/** Accident grades (生产安全事故报告和调查处理条例 第三条), lowest first. */
export const ACCIDENT_GRADES = ['general', 'larger', 'major', 'especially_major'] as const;
export type AccidentGrade = (typeof ACCIDENT_GRADES)[number];
/** The rate factor `priorYearAccident`: `none` or an accident grade. */
export type PriorYearAccident = 'none' | AccidentGrade;

export interface SupervisedPolicy {
  readonly policyNo: string;
  readonly insurer: string;
  readonly version: number;
  readonly enterprise: SupervisedEnterprise & { readonly employeeCount: number };
  readonly coverage: { readonly start: IsoDate; readonly end: IsoDate; readonly insuredHeadcount: number };
  readonly premium: {
    readonly amountFen: number;
    readonly adjustmentPct: number | null;
    readonly factors: {
      readonly standardization: string | null;
      readonly safetyCulture: string | null;
      readonly advancedUnit: string | null;
      readonly priorYearAccident: PriorYearAccident | null;
    };
  };
  readonly preventionFeeFen: number | null;
  readonly cancelledOn: IsoDate | null;
}

export type ServiceAction = 'recorded' | 'amended' | 'revoked';
export interface SupervisedService {
  readonly serviceId: string;
  readonly insurer: string;
  readonly action: ServiceAction;
  readonly version: number;
  readonly enterprise: SupervisedEnterprise;
  readonly item: ServiceItem;
  readonly endedAt: BeijingDateTime;
  readonly costFen: number | null;
}

export type HazardLevel = 'general' | 'major';
export type HazardStatus = 'open' | 'rectifying' | 'rectified';
export interface SupervisedHazard {
  readonly hazardId: string;
  readonly insurer: string;
  readonly version: number;
  readonly enterprise: SupervisedEnterprise;
  readonly level: HazardLevel;
  readonly discoveredAt: BeijingDateTime;
  readonly rectifyBy: IsoDate | null;
  readonly status: HazardStatus;
}

export interface SupervisedAccident {
  readonly accidentId: string;
  readonly insurer: string;
  readonly version: number;
  readonly enterprise: SupervisedEnterprise;
  readonly occurredAt: BeijingDateTime;
  readonly grade: AccidentGrade;
  readonly deaths: number;
  readonly seriousInjuries: number;
  readonly minorInjuries: number;
  readonly directLossFen: number | null;
  readonly reportedToAuthorityAt: BeijingDateTime | null;
}

export const CLAIM_ACTIONS = ['filed', 'assessed', 'agreed', 'paid', 'rejected', 'withdrawn'] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];
export interface SupervisedClaim {
  readonly claimNo: string;
  readonly insurer: string;
  readonly action: ClaimAction;
  readonly version: number;
  readonly enterprise: SupervisedEnterprise;
  readonly documentsCompleteAt: BeijingDateTime | null;
  readonly decidedAt: BeijingDateTime | null;
  readonly agreedAt: BeijingDateTime | null;
  readonly paidAt: BeijingDateTime | null;
  readonly paidFen: number | null;
}

export const SUPERVISED_KINDS = ['policy', 'service', 'hazard', 'accident', 'claim'] as const;
export type SupervisedKind = (typeof SUPERVISED_KINDS)[number];

export interface SupervisedRecordOfKind {
  policy: SupervisedPolicy;
  service: SupervisedService;
  hazard: SupervisedHazard;
  accident: SupervisedAccident;
  claim: SupervisedClaim;
}

/**
 * One received version of a record. `acceptedAt` is when the hub accepted it (the service knows it; the command
 * reads the CloudEvent extension `ajxacceptedat`), RFC 3339; only HAZARD_REPORTED_LATE reads it.
 */
export type SupervisionInput = {
  [K in SupervisedKind]: {
    readonly kind: K;
    readonly record: SupervisedRecordOfKind[K];
    readonly acceptedAt: string | null;
  };
}[SupervisedKind];

/** An entry of the must-insure register (`register_current`) as the rules read it. */
export interface SupervisionRegisterEntry {
  readonly uscc: string;
  readonly regionCode: string;
  readonly sector: Sector;
  readonly employeeCount: number | null;
  /** `risk_deposit`: the enterprise chose the safety risk deposit instead of insurance (济宁 五(二), 六(二)). */
  readonly alternative: 'risk_deposit' | null;
}

export type Severity = 'info' | 'warning' | 'violation';

/** The facts of each rule's findings, exactly as SUPERVISION.md lists them. */
export interface FactsOfRule {
  UNINSURED: { employees: number | null };
  LAPSED: { lastEnd: IsoDate; daysLapsed: number; lastInsurer: string };
  SURRENDERED: { cancelledOn: IsoDate; insurer: string };
  RENEWAL_DUE: { end: IsoDate; daysLeft: number };
  PARTIAL_HEADCOUNT: { insured: number; employees: number; missing: number };
  HEADCOUNT_REDUCED: { before: number; after: number; employees: number };
  RENEWAL_INSURER_CHANGED: { previousInsurer: string; previousPolicyNo: string };
  OUT_OF_TERRITORY: { county: string; sector: Sector; allowed: string[] };
  RATE_MISMATCH: { reported: number; expected: number; terms: Record<FactorName, number> };
  RATE_BELOW_FLOOR: { reported: number; floor: number };
  RATE_UNVERIFIABLE: { missing: ('adjustmentPct' | FactorName)[] };
  FEE_UNDER_ACCRUED: { reported: number | null; required: number };
  SERVICE_MISSING: { missingItems: ServiceItem[]; start: IsoDate; end: IsoDate };
  HAZARD_OVERDUE: { rectifyBy: IsoDate; daysOverdue: number; level: HazardLevel };
  HAZARD_REPORTED_LATE: { discoveredAt: BeijingDateTime; acceptedAt: string; hours: number };
  GRADE_MISMATCH: {
    reported: AccidentGrade;
    required: AccidentGrade;
    deaths: number;
    seriousInjuries: number;
    directLossFen: number | null;
  };
  ACCIDENT_REPORTED_LATE: {
    occurredAt: BeijingDateTime;
    reportedToAuthorityAt: BeijingDateTime | null;
    minutes: number | null;
  };
  CLAIM_DECISION_LATE: { documentsCompleteAt: BeijingDateTime; decidedAt: BeijingDateTime | null; days: number };
  CLAIM_PAYMENT_LATE: { agreedAt: BeijingDateTime; paidAt: BeijingDateTime | null; days: number };
  ACCIDENT_FACTOR_UNDERSTATED: { declared: PriorYearAccident; worst: AccidentGrade; accident: string };
}

/**
 * A finding: a record or enterprise that breaks a rule on asOf. Identity is `(rule, key)` ({@link findingId});
 * `insurer` is the insurer it is attributed to (null when attributed to the enterprise); `uscc`, `regionCode` and
 * `sector` come from the record the key names (for an enterprise key: its latest policy, or its register entry).
 */
export type Finding = {
  [R in SupervisionRuleId]: {
    readonly rule: R;
    readonly key: string;
    readonly severity: Severity;
    readonly insurer: string | null;
    readonly uscc: string;
    readonly regionCode: string;
    readonly sector: Sector;
    readonly facts: FactsOfRule[R];
    readonly message: string;
  };
}[SupervisionRuleId];
