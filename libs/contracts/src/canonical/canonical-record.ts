/**
 * Canonical records of the data standard (shared/formats/INSURER-FORMATS.md: v1 §1, v2 §6), mirroring
 * libs/contracts/schemas/*.schema.json (copies of shared/contracts, checked equal in the tests).
 */

/** The record kinds of data standard v1: policy 保单, accident-prevention service 事故预防服务, hazard 隐患. */
export const V1_RECORD_KINDS = ['policy', 'service', 'hazard'] as const;
/** The record kinds data standard v2 adds: accident 事故, claim 理赔 (INSURER-FORMATS.md §6). */
export const V2_RECORD_KINDS = ['accident', 'claim'] as const;
/** Every canonical record kind the hub normalises. */
export const RECORD_KINDS = [...V1_RECORD_KINDS, ...V2_RECORD_KINDS] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export type V1RecordKind = (typeof V1_RECORD_KINDS)[number];
export type V2RecordKind = (typeof V2_RECORD_KINDS)[number];

export const SECTORS = [
  'coal_mining',
  'non_coal_mining',
  'hazardous_chemicals',
  'fireworks',
  'civil_explosives',
  'metal_smelting',
  'construction',
  'road_transport',
  'water_transport',
  'fishery',
  'city_gas',
  'power',
  'building_materials',
  'machinery',
  'dust_explosion',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

export const POLICY_ACTIONS = ['issued', 'renewed', 'endorsed', 'cancelled'] as const;
export const SERVICE_ACTIONS = ['recorded', 'amended', 'revoked'] as const;
export const HAZARD_ACTIONS = ['reported', 'updated', 'rectified'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

export const SERVICE_ITEMS = [
  'training',
  'risk_assessment',
  'hazard_inspection',
  'emergency_drill',
  'standardization',
  'technology',
  'other',
] as const;
export type ServiceItem = (typeof SERVICE_ITEMS)[number];
export const SERVICE_FORMS = ['onsite', 'remote', 'centralized', 'other'] as const;
export type ServiceForm = (typeof SERVICE_FORMS)[number];

export const STANDARDIZATION_LEVELS = ['none', 'level3', 'level2', 'level1'] as const;
export const SAFETY_CULTURE_LEVELS = ['none', 'city', 'province', 'national'] as const;
export const ADVANCED_UNIT_LEVELS = ['none', 'city', 'province'] as const;
export const PRIOR_YEAR_ACCIDENT_LEVELS = ['none', 'general', 'larger', 'major', 'especially_major'] as const;

export const HAZARD_LEVELS = ['general', 'major'] as const;
export type HazardLevel = (typeof HAZARD_LEVELS)[number];
export const HAZARD_STATUSES = ['open', 'rectifying', 'rectified'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** GB 6441 事故类别, in the standard's order (category number n is index n − 1). */
export const ACCIDENT_CATEGORIES = [
  'struck_by_object',
  'vehicle',
  'machinery',
  'lifting',
  'electrocution',
  'drowning',
  'burn',
  'fire',
  'fall_from_height',
  'collapse',
  'roof_fall',
  'water_inrush',
  'blasting',
  'explosive_blast',
  'gas_explosion',
  'boiler_explosion',
  'vessel_explosion',
  'other_explosion',
  'poisoning_asphyxiation',
  'other_injury',
] as const;
export type AccidentCategory = (typeof ACCIDENT_CATEGORIES)[number];
/** 《生产安全事故报告和调查处理条例》第三条, lowest first. */
export const ACCIDENT_GRADES = ['general', 'larger', 'major', 'especially_major'] as const;
export type AccidentGrade = (typeof ACCIDENT_GRADES)[number];
export const ACCIDENT_STATUSES = ['open', 'closed'] as const;
export type AccidentStatus = (typeof ACCIDENT_STATUSES)[number];
export const ACCIDENT_ACTIONS = ['reported', 'updated', 'closed'] as const;
export type AccidentAction = (typeof ACCIDENT_ACTIONS)[number];

/** A claim's status is its action (INSURER-FORMATS.md §6 "claim status → action"). */
export const CLAIM_ACTIONS = ['filed', 'assessed', 'agreed', 'paid', 'rejected', 'withdrawn'] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];
export const CLAIM_DECISIONS = ['accept', 'reject'] as const;
export type ClaimDecision = (typeof CLAIM_DECISIONS)[number];

/** `YYYY-MM-DD` */
export type IsoDate = string;
/** `YYYY-MM-DDTHH:mm:ss+08:00` (Beijing time) */
export type BeijingDateTime = string;

export interface Enterprise {
  /** 统一社会信用代码 (GB 32100), 18 characters, upper case. */
  uscc: string;
  name: string;
  /** County-level GB/T 2260 code, current. */
  regionCode: string;
  sector: Sector;
}

export interface PolicyEnterprise extends Enterprise {
  /** GB/T 4754-2017 code when the format carries one. */
  industryCode: string | null;
  employeeCount: number;
}

export interface RateFactors {
  standardization: (typeof STANDARDIZATION_LEVELS)[number] | null;
  safetyCulture: (typeof SAFETY_CULTURE_LEVELS)[number] | null;
  advancedUnit: (typeof ADVANCED_UNIT_LEVELS)[number] | null;
  priorYearAccident: (typeof PRIOR_YEAR_ACCIDENT_LEVELS)[number] | null;
}

export interface PolicyRecord {
  policyNo: string;
  insurer: string;
  action: PolicyAction;
  version: number;
  enterprise: PolicyEnterprise;
  contact: { name: string | null; phone: string | null };
  coverage: {
    start: IsoDate;
    end: IsoDate;
    insuredHeadcount: number;
    perPersonLimitFen: number | null;
    totalLimitFen: number | null;
  };
  premium: { amountFen: number; adjustmentPct: number | null; factors: RateFactors };
  preventionFeeFen: number | null;
  cancelledOn: IsoDate | null;
}

export interface ServiceRecord {
  serviceId: string;
  insurer: string;
  action: ServiceAction;
  version: number;
  policyNo: string | null;
  enterprise: Enterprise;
  item: ServiceItem;
  form: ServiceForm;
  provider: { kind: 'insurer' | 'third_party'; name: string; uscc: string | null };
  staff: { name: string; certificateNo: string | null }[];
  startedAt: BeijingDateTime;
  endedAt: BeijingDateTime;
  location: string | null;
  summary: string | null;
  hazardsFound: number;
  costFen: number | null;
  revisit: { at: BeijingDateTime; satisfied: boolean | null; note: string | null } | null;
}

export interface HazardRecord {
  hazardId: string;
  insurer: string;
  action: HazardAction;
  version: number;
  serviceId: string | null;
  policyNo: string | null;
  enterprise: Enterprise;
  level: HazardLevel;
  category: string | null;
  description: string;
  discoveredAt: BeijingDateTime;
  rectifyBy: IsoDate | null;
  status: HazardStatus;
  rectifiedAt: BeijingDateTime | null;
}

/** 事故 (data standard v2). */
export interface AccidentRecord {
  accidentId: string;
  insurer: string;
  action: AccidentAction;
  version: number;
  policyNo: string | null;
  enterprise: Enterprise;
  occurredAt: BeijingDateTime;
  location: string | null;
  category: AccidentCategory;
  grade: AccidentGrade;
  deaths: number;
  seriousInjuries: number;
  minorInjuries: number;
  directLossFen: number | null;
  description: string;
  status: AccidentStatus;
  /** 向主管部门报告的时间. */
  reportedToAuthorityAt: BeijingDateTime | null;
}

/** 理赔 (data standard v2). */
export interface ClaimRecord {
  claimNo: string;
  insurer: string;
  action: ClaimAction;
  version: number;
  policyNo: string;
  accidentId: string | null;
  enterprise: Enterprise;
  /** 报案时间. */
  filedAt: BeijingDateTime;
  documentsCompleteAt: BeijingDateTime | null;
  decidedAt: BeijingDateTime | null;
  decision: ClaimDecision | null;
  agreedAt: BeijingDateTime | null;
  paidAt: BeijingDateTime | null;
  claimedFen: number;
  agreedFen: number | null;
  paidFen: number | null;
  victims: number;
}

export type CanonicalRecord = PolicyRecord | ServiceRecord | HazardRecord | AccidentRecord | ClaimRecord;

export interface RecordOfKind {
  policy: PolicyRecord;
  service: ServiceRecord;
  hazard: HazardRecord;
  accident: AccidentRecord;
  claim: ClaimRecord;
}

/** The record's subject (policyNo / serviceId / hazardId / accidentId / claimNo). */
export function subjectOf(kind: RecordKind, record: CanonicalRecord): string {
  switch (kind) {
    case 'policy':
      return (record as PolicyRecord).policyNo;
    case 'service':
      return (record as ServiceRecord).serviceId;
    case 'hazard':
      return (record as HazardRecord).hazardId;
    case 'accident':
      return (record as AccidentRecord).accidentId;
    case 'claim':
      return (record as ClaimRecord).claimNo;
  }
}
