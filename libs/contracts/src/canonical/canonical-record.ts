/**
 * Canonical records of data standard v1 (shared/formats/INSURER-FORMATS.md), mirroring
 * libs/contracts/schemas/*.schema.json (copies of shared/contracts, checked equal in the tests).
 */

export const RECORD_KINDS = ['policy', 'service', 'hazard'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

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

export type CanonicalRecord = PolicyRecord | ServiceRecord | HazardRecord;

export interface RecordOfKind {
  policy: PolicyRecord;
  service: ServiceRecord;
  hazard: HazardRecord;
}

/** The record's subject (policyNo / serviceId / hazardId). */
export function subjectOf(kind: RecordKind, record: CanonicalRecord): string {
  switch (kind) {
    case 'policy':
      return (record as PolicyRecord).policyNo;
    case 'service':
      return (record as ServiceRecord).serviceId;
    case 'hazard':
      return (record as HazardRecord).hazardId;
  }
}
