import type {
  ADVANCED_UNIT_LEVELS,
  HazardLevel,
  HazardStatus,
  PRIOR_YEAR_ACCIDENT_LEVELS,
  SAFETY_CULTURE_LEVELS,
  ServiceForm,
  ServiceItem,
  STANDARDIZATION_LEVELS,
} from '@ajx/contracts';

/** Chinese names of the standard's coded values (PICC and CPIC write these; aliases after the primary name). */
export type Standardization = (typeof STANDARDIZATION_LEVELS)[number];
export type SafetyCulture = (typeof SAFETY_CULTURE_LEVELS)[number];
export type AdvancedUnit = (typeof ADVANCED_UNIT_LEVELS)[number];
export type PriorYearAccident = (typeof PRIOR_YEAR_ACCIDENT_LEVELS)[number];

export const STANDARDIZATION_NAMES: Readonly<Record<string, Standardization>> = {
  无: 'none',
  三级: 'level3',
  二级: 'level2',
  一级: 'level1',
};
export const SAFETY_CULTURE_NAMES: Readonly<Record<string, SafetyCulture>> = {
  无: 'none',
  市级: 'city',
  省级: 'province',
  国家级: 'national',
};
export const ADVANCED_UNIT_NAMES: Readonly<Record<string, AdvancedUnit>> = {
  无: 'none',
  市级: 'city',
  省级: 'province',
};
export const PRIOR_YEAR_ACCIDENT_NAMES: Readonly<Record<string, PriorYearAccident>> = {
  无: 'none',
  一般: 'general',
  较大: 'larger',
  重大: 'major',
  特别重大: 'especially_major',
};

export const SERVICE_ITEM_NAMES: Readonly<Record<string, ServiceItem>> = {
  安全培训: 'training',
  宣传教育培训: 'training',
  风险评估: 'risk_assessment',
  风险辨识评估: 'risk_assessment',
  隐患排查: 'hazard_inspection',
  应急演练: 'emergency_drill',
  应急预案与演练: 'emergency_drill',
  标准化建设: 'standardization',
  科技推广: 'technology',
  其他: 'other',
};
export const SERVICE_FORM_NAMES: Readonly<Record<string, ServiceForm>> = {
  现场: 'onsite',
  远程: 'remote',
  集中: 'centralized',
  其他: 'other',
};
export const PROVIDER_KIND_NAMES: Readonly<Record<string, 'insurer' | 'third_party'>> = {
  保险机构: 'insurer',
  第三方: 'third_party',
};
export const HAZARD_LEVEL_NAMES: Readonly<Record<string, HazardLevel>> = { 一般: 'general', 重大: 'major' };
export const HAZARD_STATUS_NAMES: Readonly<Record<string, HazardStatus>> = {
  未整改: 'open',
  整改中: 'rectifying',
  已整改: 'rectified',
};

/** Service action: revoked if the record says so, else recorded at version 1 and amended after. */
export function serviceActionOf(revoked: boolean, version: number): 'recorded' | 'amended' | 'revoked' {
  return revoked ? 'revoked' : version === 1 ? 'recorded' : 'amended';
}

/** Hazard action: rectified if the status says so, else reported at version 1 and updated after. */
export function hazardActionOf(status: HazardStatus, version: number): 'reported' | 'updated' | 'rectified' {
  return status === 'rectified' ? 'rectified' : version === 1 ? 'reported' : 'updated';
}
