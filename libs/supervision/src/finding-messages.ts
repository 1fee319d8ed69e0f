import type { Sector, ServiceItem } from '@ajx/contracts';
import type { AccidentGrade, FactorName, FactsOfRule, HazardLevel, PriorYearAccident } from './supervision.types';
import type { SupervisionRuleId } from '@ajx/authz';

/*
 * The Chinese sentence of each finding, with its numbers (SUPERVISION.md "Findings"), in the style of the document's
 * example `保单 PICCAZ2023000001 参保人数 40 人,少于从业人员 52 人(缺 12 人)`.
 */

const SECTOR_NAMES: Record<Sector, string> = {
  coal_mining: '煤矿',
  non_coal_mining: '非煤矿山',
  hazardous_chemicals: '危险化学品',
  fireworks: '烟花爆竹',
  civil_explosives: '民用爆炸物品',
  metal_smelting: '金属冶炼',
  construction: '建筑施工',
  road_transport: '道路运输',
  water_transport: '水上运输',
  fishery: '渔业',
  city_gas: '城镇燃气',
  power: '电力',
  building_materials: '建材',
  machinery: '机械制造',
  dust_explosion: '粉尘涉爆',
  other: '其他行业',
};
const ITEM_NAMES: Record<ServiceItem, string> = {
  training: '安全培训',
  risk_assessment: '风险诊断',
  hazard_inspection: '隐患排查',
  emergency_drill: '应急演练',
  standardization: '标准化建设',
  technology: '技术服务',
  other: '其他服务',
};
const GRADE_NAMES: Record<PriorYearAccident, string> = {
  none: '未发生事故',
  general: '一般事故',
  larger: '较大事故',
  major: '重大事故',
  especially_major: '特别重大事故',
};
const FACTOR_LABELS: Record<'adjustmentPct' | FactorName, string> = {
  adjustmentPct: '费率浮动比例',
  standardization: '安全标准化等级',
  safetyCulture: '安全文化建设示范企业',
  advancedUnit: '安全生产先进单位',
  priorYearAccident: '上年度事故情况',
};
const LEVEL_NAMES: Record<HazardLevel, string> = { general: '一般隐患', major: '重大事故隐患' };

/** Integer fen as yuan with two decimals: 208834512 → `2088345.12 元`. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} 元`;
}

/** A datetime as Beijing wall-clock time `YYYY-MM-DD HH:mm:ss` (acceptance times come in UTC). */
export function beijingText(datetime: string): string {
  if (datetime.endsWith('+08:00')) return `${datetime.slice(0, 10)} ${datetime.slice(11, 19)}`;
  const iso = new Date(Date.parse(datetime) + 8 * 3_600_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function pct(n: number): string {
  return `${n > 0 ? '+' : ''}${n}%`;
}

function subjectOfKey(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/** What a rule's message needs besides its facts. */
export interface MessageContext {
  key: string;
  insurer: string | null;
  /** The insurer of the record the key names (policies, hazards, accidents, claims). */
  recordInsurer: string | null;
  feeRateBp: number | null;
  majorReportHours: number;
  accidentReportHours: number;
  claimDecisionDays: number;
  claimPaymentDays: number;
  countyName: string | null;
}

type MessageOf = { [R in SupervisionRuleId]: (f: FactsOfRule[R], c: MessageContext) => string };

const MESSAGES: MessageOf = {
  UNINSURED: (f, c) =>
    `企业 ${c.key} 列入应保企业名录${f.employees === null ? '' : `(从业人员 ${f.employees} 人)`},但未投保安责险`,
  LAPSED: (f, c) =>
    `企业 ${c.key} 无有效保单:最近一份保单(${f.lastInsurer})于 ${f.lastEnd} 到期,已脱保 ${f.daysLapsed} 天`,
  SURRENDERED: (f, c) => `企业 ${c.key} 无有效保单:最近一份保单(${f.insurer})于 ${f.cancelledOn} 退保`,
  RENEWAL_DUE: (f, c) => `保单 ${subjectOfKey(c.key)} 将于 ${f.end} 到期(剩 ${f.daysLeft} 天),尚无续保保单`,
  PARTIAL_HEADCOUNT: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 参保人数 ${f.insured} 人,少于从业人员 ${f.employees} 人(缺 ${f.missing} 人)`,
  HEADCOUNT_REDUCED: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 参保人数由 ${f.before} 人减至 ${f.after} 人,少于从业人员 ${f.employees} 人(擅自减少参保人数)`,
  RENEWAL_INSURER_CHANGED: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 由 ${c.recordInsurer} 续保 ${f.previousInsurer} 的保单 ${f.previousPolicyNo},续保业务应由原承保公司承担`,
  OUT_OF_TERRITORY: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 的承保公司 ${c.recordInsurer} 不在 ${f.county}${c.countyName ? ` ${c.countyName}` : ''} ${SECTOR_NAMES[f.sector]}行业的承保范围内(可承保:${f.allowed.join('、')})`,
  RATE_MISMATCH: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 费率浮动 ${pct(f.reported)},按浮动费率标准应为 ${pct(f.expected)}`,
  RATE_BELOW_FLOOR: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 费率浮动 ${pct(f.reported)},低于下限 ${pct(f.floor)}(累计降幅超限,私自下调费率)`,
  RATE_UNVERIFIABLE: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 缺少${f.missing.map((m) => FACTOR_LABELS[m]).join('、')},无法核验费率`,
  FEE_UNDER_ACCRUED: (f, c) =>
    f.reported === null
      ? `保单 ${subjectOfKey(c.key)} 未报送防灾防损费用,应提 ${yuan(f.required)}(保费的 ${(c.feeRateBp ?? 0) / 100}%)`
      : `保单 ${subjectOfKey(c.key)} 计提防灾防损费用 ${yuan(f.reported)},少于应提 ${yuan(f.required)}(保费的 ${(c.feeRateBp ?? 0) / 100}%,缺 ${yuan(f.required - f.reported)})`,
  SERVICE_MISSING: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 保险期间 ${f.start} 至 ${f.end} 未提供${f.missingItems.map((i) => ITEM_NAMES[i]).join('、')}服务`,
  HAZARD_OVERDUE: (f, c) =>
    `${LEVEL_NAMES[f.level]} ${subjectOfKey(c.key)} 整改期限 ${f.rectifyBy},已逾期 ${f.daysOverdue} 天未整改`,
  HAZARD_REPORTED_LATE: (f, c) =>
    `重大事故隐患 ${subjectOfKey(c.key)} 于 ${beijingText(f.discoveredAt)} 发现,${beijingText(f.acceptedAt)} 才报送到平台(${f.hours} 小时后,应在 ${c.majorReportHours} 小时内及时告知)`,
  GRADE_MISMATCH: (f, c) =>
    `事故 ${subjectOfKey(c.key)} 报告为${GRADE_NAMES[f.reported]},按死亡 ${f.deaths} 人、重伤 ${f.seriousInjuries} 人、直接经济损失 ${f.directLossFen === null ? '未报' : yuan(f.directLossFen)},应为${GRADE_NAMES[f.required]}`,
  ACCIDENT_REPORTED_LATE: (f, c) =>
    f.reportedToAuthorityAt === null
      ? `事故 ${subjectOfKey(c.key)} 发生于 ${beijingText(f.occurredAt)},未向有关部门报告(应在 ${c.accidentReportHours} 小时内报告)`
      : `事故 ${subjectOfKey(c.key)} 发生于 ${beijingText(f.occurredAt)},${f.minutes} 分钟后才向有关部门报告(应在 ${c.accidentReportHours} 小时内报告)`,
  CLAIM_DECISION_LATE: (f, c) =>
    f.decidedAt === null
      ? `理赔 ${subjectOfKey(c.key)} 资料于 ${beijingText(f.documentsCompleteAt)} 齐全,已 ${f.days} 天未作出核定(应在 ${c.claimDecisionDays} 日内)`
      : `理赔 ${subjectOfKey(c.key)} 资料于 ${beijingText(f.documentsCompleteAt)} 齐全,${f.days} 天后才作出核定(应在 ${c.claimDecisionDays} 日内)`,
  CLAIM_PAYMENT_LATE: (f, c) =>
    f.paidAt === null
      ? `理赔 ${subjectOfKey(c.key)} 于 ${beijingText(f.agreedAt)} 达成赔付协议,已 ${f.days} 天未支付赔款(应在 ${c.claimPaymentDays} 日内)`
      : `理赔 ${subjectOfKey(c.key)} 于 ${beijingText(f.agreedAt)} 达成赔付协议,${f.days} 天后才支付赔款(应在 ${c.claimPaymentDays} 日内)`,
  ACCIDENT_FACTOR_UNDERSTATED: (f, c) =>
    `保单 ${subjectOfKey(c.key)} 上年度事故申报为“${GRADE_NAMES[f.declared]}”,但企业保险期间开始前一年内发生${GRADE_NAMES[f.worst]}(${f.accident})`,
};

export function findingMessage<R extends SupervisionRuleId>(rule: R, facts: FactsOfRule[R], c: MessageContext): string {
  return (MESSAGES[rule] as (f: FactsOfRule[R], c: MessageContext) => string)(facts, c);
}

export function gradeName(g: AccidentGrade): string {
  return GRADE_NAMES[g];
}
