import type { SupervisionRuleId } from '@ajx/authz';

/** The Chinese title of each rule, as departments call the breach (console, reports, feeds). */
export const RULE_TITLES: Readonly<Record<SupervisionRuleId, string>> = {
  UNINSURED: '应保未保',
  LAPSED: '脱保',
  SURRENDERED: '退保',
  RENEWAL_DUE: '临期未续保',
  PARTIAL_HEADCOUNT: '未全员参保',
  HEADCOUNT_REDUCED: '擅自减少参保人数',
  RENEWAL_INSURER_CHANGED: '续保变更承保公司',
  OUT_OF_TERRITORY: '超出承保区域',
  RATE_MISMATCH: '费率浮动与标准不符',
  RATE_BELOW_FLOOR: '费率下浮超过30%',
  RATE_UNVERIFIABLE: '费率无法核验',
  FEE_UNDER_ACCRUED: '预防费用计提不足',
  SERVICE_MISSING: '事故预防服务缺项',
  HAZARD_OVERDUE: '隐患逾期未整改',
  HAZARD_REPORTED_LATE: '重大隐患告知超时',
  GRADE_MISMATCH: '事故定级偏低',
  ACCIDENT_REPORTED_LATE: '事故报告超时',
  CLAIM_DECISION_LATE: '理赔核定超期',
  CLAIM_PAYMENT_LATE: '赔款支付超期',
  ACCIDENT_FACTOR_UNDERSTATED: '事故浮动因子瞒报',
};
