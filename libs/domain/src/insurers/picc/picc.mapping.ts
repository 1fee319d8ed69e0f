import type {
  AccidentRecord,
  ClaimRecord,
  HazardRecord,
  PolicyAction,
  PolicyRecord,
  ServiceRecord,
} from '@ajx/contracts';
import {
  ACCIDENT_CATEGORY_NAMES,
  ACCIDENT_GRADE_NAMES,
  ACCIDENT_STATUS_NAMES,
  accidentActionOf,
  ADVANCED_UNIT_NAMES,
  CLAIM_DECISION_NAMES,
  CLAIM_STATUS_NAMES,
  HAZARD_LEVEL_NAMES,
  HAZARD_STATUS_NAMES,
  hazardActionOf,
  PRIOR_YEAR_ACCIDENT_NAMES,
  PROVIDER_KIND_NAMES,
  SAFETY_CULTURE_NAMES,
  SERVICE_FORM_NAMES,
  SERVICE_ITEM_NAMES,
  serviceActionOf,
  STANDARDIZATION_NAMES,
} from '../../normalizer/code-tables';
import type { InsurerMapping, MappedRecord } from '../../normalizer/insurer-mapping';
import { reject } from '../../normalizer/record-rejection';
import {
  MAX_NAME_LENGTH,
  adjustmentPct,
  checkAccidentReport,
  checkClaimTimes,
  checkCoveragePeriod,
  checkServicePeriod,
  coded,
  date,
  dateTime,
  identifier,
  integer,
  missing,
  name,
  phone,
  regionFromCode,
  revisitOf,
  scalarText,
  sectorFromName,
  text,
  uscc,
  yuan,
} from '../../values';

const POLICY_ACTIONS: Readonly<Record<string, PolicyAction>> = {
  新保: 'issued',
  续保: 'renewed',
  批改: 'endorsed',
  退保: 'cancelled',
};
const RECORD_STATUS: Readonly<Record<string, boolean>> = { 有效: false, 撤销: true };
const YES_NO: Readonly<Record<string, boolean>> = { 是: true, 否: false };

type Row = Record<string, unknown>;

function enterprise(r: Row) {
  return {
    uscc: uscc(r['统一社会信用代码'], '统一社会信用代码', true),
    name: name(r['企业名称'], '企业名称', true),
    regionCode: regionFromCode(r['行政区划代码'], '行政区划代码'),
    sector: sectorFromName(r['行业类别'], '行业类别'),
  };
}

function policy(r: Row, insurer: string): MappedRecord {
  const action = coded(r['记录类型'], '记录类型', POLICY_ACTIONS, true);
  const start = date(r['保险起期'], '保险起期', 'iso', true);
  const end = date(r['保险止期'], '保险止期', 'iso', true);
  const record: PolicyRecord = {
    policyNo: identifier(r['保单号'], '保单号', true),
    insurer,
    action,
    version: integer(r['批改序号'], '批改序号', true, 0),
    enterprise: { ...enterprise(r), industryCode: null, employeeCount: integer(r['从业人数'], '从业人数', true) },
    contact: { name: name(r['联系人'], '联系人'), phone: phone(r['联系电话'], '联系电话') },
    coverage: {
      start,
      end,
      insuredHeadcount: integer(r['参保人数'], '参保人数', true),
      perPersonLimitFen: yuan(r['每人责任限额(元)'], '每人责任限额(元)'),
      totalLimitFen: yuan(r['累计责任限额(元)'], '累计责任限额(元)'),
    },
    premium: {
      amountFen: yuan(r['保费(元)'], '保费(元)', true),
      adjustmentPct: adjustmentPct(r['费率浮动(%)'], '费率浮动(%)'),
      factors: {
        standardization: coded(r['安全标准化等级'], '安全标准化等级', STANDARDIZATION_NAMES),
        safetyCulture: coded(r['安全文化示范'], '安全文化示范', SAFETY_CULTURE_NAMES),
        advancedUnit: coded(r['安全生产先进单位'], '安全生产先进单位', ADVANCED_UNIT_NAMES),
        priorYearAccident: coded(r['上年度事故'], '上年度事故', PRIOR_YEAR_ACCIDENT_NAMES),
      },
    },
    preventionFeeFen: yuan(r['预防服务费(元)'], '预防服务费(元)'),
    cancelledOn: date(r['退保日期'], '退保日期', 'iso', action === 'cancelled'),
  };
  const time = dateTime(r['业务时间'], '业务时间', 'space', true);
  checkCoveragePeriod(start, end);
  return { kind: 'policy', record, time };
}

/** `服务人员`: `;`-separated, each `姓名` or `姓名/证书号`. */
function staff(v: unknown): ServiceRecord['staff'] {
  const all = scalarText(v, '服务人员');
  if (all === null || !all.trim()) return [];
  return all.split(';').map((entry, i) => {
    const slash = entry.indexOf('/');
    const who = slash === -1 ? entry : entry.slice(0, slash);
    const cert = slash === -1 ? null : entry.slice(slash + 1);
    return {
      name: name(who, `服务人员[${i + 1}] 姓名`, true),
      certificateNo: identifier(cert, `服务人员[${i + 1}] 证书号`),
    };
  });
}

function service(r: Row, insurer: string): MappedRecord {
  const version = integer(r['版本'], '版本', true, 1);
  const revoked = coded(r['记录状态'], '记录状态', RECORD_STATUS, true);
  const startedAt = dateTime(r['开始时间'], '开始时间', 'space', true);
  const endedAt = dateTime(r['结束时间'], '结束时间', 'space', true);
  const record: ServiceRecord = {
    serviceId: identifier(r['服务编号'], '服务编号', true),
    insurer,
    action: serviceActionOf(revoked, version),
    version,
    policyNo: identifier(r['保单号'], '保单号'),
    enterprise: enterprise(r),
    item: coded(r['服务项目'], '服务项目', SERVICE_ITEM_NAMES, true),
    form: coded(r['服务形式'], '服务形式', SERVICE_FORM_NAMES, true),
    provider: {
      kind: coded(r['服务机构类型'], '服务机构类型', PROVIDER_KIND_NAMES, true),
      name: name(r['服务机构名称'], '服务机构名称', true),
      uscc: uscc(r['服务机构信用代码'], '服务机构信用代码'),
    },
    staff: staff(r['服务人员']),
    startedAt,
    endedAt,
    location: text(r['服务地点'], '服务地点'),
    summary: text(r['服务内容'], '服务内容'),
    hazardsFound: integer(r['发现隐患数'], '发现隐患数', true),
    costFen: yuan(r['服务费用(元)'], '服务费用(元)'),
    revisit: revisitOf(
      dateTime(r['回访时间'], '回访时间', 'space'),
      coded(r['回访满意'], '回访满意', YES_NO),
      text(r['回访意见'], '回访意见'),
      '回访',
    ),
  };
  const time = dateTime(r['业务时间'], '业务时间', 'space', true);
  checkServicePeriod(startedAt, endedAt);
  return { kind: 'service', record, time };
}

function hazard(r: Row, insurer: string): MappedRecord {
  const version = integer(r['版本'], '版本', true, 1);
  const status = coded(r['整改状态'], '整改状态', HAZARD_STATUS_NAMES, true);
  const record: HazardRecord = {
    hazardId: identifier(r['隐患编号'], '隐患编号', true),
    insurer,
    action: hazardActionOf(status, version),
    version,
    serviceId: identifier(r['服务编号'], '服务编号'),
    policyNo: identifier(r['保单号'], '保单号'),
    enterprise: enterprise(r),
    level: coded(r['隐患等级'], '隐患等级', HAZARD_LEVEL_NAMES, true),
    category: text(r['隐患类别'], '隐患类别', false, MAX_NAME_LENGTH),
    description: text(r['隐患描述'], '隐患描述', true),
    discoveredAt: dateTime(r['发现时间'], '发现时间', 'space', true),
    rectifyBy: date(r['整改期限'], '整改期限', 'iso'),
    status,
    rectifiedAt: dateTime(r['整改完成时间'], '整改完成时间', 'space', status === 'rectified'),
  };
  const time = dateTime(r['业务时间'], '业务时间', 'space', true);
  return { kind: 'hazard', record, time };
}

function accident(r: Row, insurer: string): MappedRecord {
  const version = integer(r['版本'], '版本', true, 1);
  const status = coded(r['事故状态'], '事故状态', ACCIDENT_STATUS_NAMES, true);
  const occurredAt = dateTime(r['发生时间'], '发生时间', 'space', true);
  const reportedToAuthorityAt = dateTime(r['报告时间'], '报告时间', 'space');
  const record: AccidentRecord = {
    accidentId: identifier(r['事故编号'], '事故编号', true),
    insurer,
    action: accidentActionOf(status, version),
    version,
    policyNo: identifier(r['保单号'], '保单号'),
    enterprise: enterprise(r),
    occurredAt,
    location: text(r['事故地点'], '事故地点'),
    category: coded(r['事故类别'], '事故类别', ACCIDENT_CATEGORY_NAMES, true),
    grade: coded(r['事故等级'], '事故等级', ACCIDENT_GRADE_NAMES, true),
    deaths: integer(r['死亡人数'], '死亡人数', true),
    seriousInjuries: integer(r['重伤人数'], '重伤人数', true),
    minorInjuries: integer(r['轻伤人数'], '轻伤人数', true),
    directLossFen: yuan(r['直接经济损失(元)'], '直接经济损失(元)'),
    description: text(r['事故经过'], '事故经过', true),
    status,
    reportedToAuthorityAt,
  };
  const time = dateTime(r['业务时间'], '业务时间', 'space', true);
  checkAccidentReport(occurredAt, reportedToAuthorityAt);
  return { kind: 'accident', record, time };
}

function claim(r: Row, insurer: string): MappedRecord {
  const status = coded(r['案件状态'], '案件状态', CLAIM_STATUS_NAMES, true);
  const record: ClaimRecord = {
    claimNo: identifier(r['赔案号'], '赔案号', true),
    insurer,
    action: status,
    version: integer(r['版本'], '版本', true, 1),
    policyNo: identifier(r['保单号'], '保单号', true),
    accidentId: identifier(r['事故编号'], '事故编号'),
    enterprise: enterprise(r),
    filedAt: dateTime(r['报案时间'], '报案时间', 'space', true),
    documentsCompleteAt: dateTime(r['资料齐全时间'], '资料齐全时间', 'space'),
    decidedAt: dateTime(r['核定时间'], '核定时间', 'space', status === 'rejected'),
    decision: coded(r['核定结论'], '核定结论', CLAIM_DECISION_NAMES),
    agreedAt: dateTime(r['达成协议时间'], '达成协议时间', 'space'),
    paidAt: dateTime(r['赔付时间'], '赔付时间', 'space', status === 'paid'),
    claimedFen: yuan(r['索赔金额(元)'], '索赔金额(元)', true),
    agreedFen: yuan(r['协议金额(元)'], '协议金额(元)'),
    paidFen: yuan(r['赔付金额(元)'], '赔付金额(元)', status === 'paid'),
    victims: integer(r['涉及人数'], '涉及人数', true),
  };
  const time = dateTime(r['业务时间'], '业务时间', 'space', true);
  checkClaimTimes(record);
  return { kind: 'claim', record, time };
}

/** PICC CSV rows (Chinese column names; the kind comes from the header, in the envelope). */
export const PICC_MAPPING: InsurerMapping = {
  insurer: 'PICC',
  version: 'PICC-2.0.0',
  map(fields, envelope, insurer) {
    switch (envelope.kind) {
      case 'policy':
        return policy(fields, insurer);
      case 'service':
        return service(fields, insurer);
      case 'hazard':
        return hazard(fields, insurer);
      case 'accident':
        return accident(fields, insurer);
      case 'claim':
        return claim(fields, insurer);
      default:
        return envelope.kind ? reject('MALFORMED_RECORD', `unknown record kind ${envelope.kind}`) : missing('kind');
    }
  },
};
