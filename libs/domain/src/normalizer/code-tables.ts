import {
  ACCIDENT_CATEGORIES,
  type AccidentAction,
  type AccidentCategory,
  type AccidentGrade,
  type AccidentStatus,
  type ClaimAction,
  type ClaimDecision,
} from '@ajx/contracts';
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

// ---- data standard v2 (INSURER-FORMATS.md §6) ------------------------------------------------------------------

/** GB 6441 事故类别 by Chinese name (PICC, CPIC); aliases after the primary name. */
export const ACCIDENT_CATEGORY_NAMES: Readonly<Record<string, AccidentCategory>> = {
  物体打击: 'struck_by_object',
  车辆伤害: 'vehicle',
  机械伤害: 'machinery',
  起重伤害: 'lifting',
  触电: 'electrocution',
  淹溺: 'drowning',
  灼烫: 'burn',
  火灾: 'fire',
  高处坠落: 'fall_from_height',
  坍塌: 'collapse',
  冒顶片帮: 'roof_fall',
  透水: 'water_inrush',
  放炮: 'blasting',
  火药爆炸: 'explosive_blast',
  瓦斯爆炸: 'gas_explosion',
  锅炉爆炸: 'boiler_explosion',
  容器爆炸: 'vessel_explosion',
  其它爆炸: 'other_explosion',
  其他爆炸: 'other_explosion',
  中毒和窒息: 'poisoning_asphyxiation',
  中毒窒息: 'poisoning_asphyxiation',
  其它伤害: 'other_injury',
  其他伤害: 'other_injury',
};

/** GB 6441 事故类别 by number (PINGAN `accidentType`, DADI `sglb`): n → the n-th category, 1–20. */
export const ACCIDENT_CATEGORY_NUMBERS: Readonly<Record<string, AccidentCategory>> = Object.fromEntries(
  ACCIDENT_CATEGORIES.map((c, i) => [String(i + 1), c]),
);

/** 事故等级 (《生产安全事故报告和调查处理条例》第三条) by Chinese name (PICC, CPIC). */
export const ACCIDENT_GRADE_NAMES: Readonly<Record<string, AccidentGrade>> = {
  一般: 'general',
  较大: 'larger',
  重大: 'major',
  特别重大: 'especially_major',
};

/** PICC `事故状态`. */
export const ACCIDENT_STATUS_NAMES: Readonly<Record<string, AccidentStatus>> = { 处理中: 'open', 已结案: 'closed' };

/** Claim status (= action) by Chinese name (PICC `案件状态`). */
export const CLAIM_STATUS_NAMES: Readonly<Record<string, ClaimAction>> = {
  已报案: 'filed',
  已核定: 'assessed',
  已达成协议: 'agreed',
  已赔付: 'paid',
  已拒赔: 'rejected',
  已撤案: 'withdrawn',
};

/** 核定结论 by Chinese name (PICC `核定结论`, CPIC `Decision`). */
export const CLAIM_DECISION_NAMES: Readonly<Record<string, ClaimDecision>> = { 赔付: 'accept', 拒赔: 'reject' };

/** Accident action: closed if the status says so, else reported at version 1 and updated after. */
export function accidentActionOf(status: AccidentStatus, version: number): AccidentAction {
  return status === 'closed' ? 'closed' : version === 1 ? 'reported' : 'updated';
}
