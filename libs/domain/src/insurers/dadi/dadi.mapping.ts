import type {
  AccidentGrade,
  AccidentRecord,
  AccidentStatus,
  ClaimAction,
  ClaimDecision,
  ClaimRecord,
  HazardLevel,
  HazardRecord,
  HazardStatus,
  PolicyAction,
  PolicyRecord,
  ServiceForm,
  ServiceItem,
  ServiceRecord,
} from '@ajx/contracts';
import {
  ACCIDENT_CATEGORY_NUMBERS,
  accidentActionOf,
  hazardActionOf,
  serviceActionOf,
  type AdvancedUnit,
  type PriorYearAccident,
  type SafetyCulture,
  type Standardization,
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
  name,
  numericCode,
  phone,
  regionFromCode,
  revisitOf,
  scalarText,
  sectorFromDadiCode,
  text,
  uscc,
  yuan,
} from '../../values';

const POLICY_ACTIONS: Readonly<Record<string, PolicyAction>> = {
  XB: 'issued',
  XUB: 'renewed',
  PG: 'endorsed',
  TB: 'cancelled',
};
const STD_LEVEL: Readonly<Record<string, Standardization>> = {
  '0': 'none',
  '3': 'level3',
  '2': 'level2',
  '1': 'level1',
};
const CULTURE: Readonly<Record<string, SafetyCulture>> = { '0': 'none', '1': 'city', '2': 'province', '3': 'national' };
const ADVANCED: Readonly<Record<string, AdvancedUnit>> = { '0': 'none', '1': 'city', '2': 'province' };
const ACCIDENT: Readonly<Record<string, PriorYearAccident>> = {
  '0': 'none',
  '1': 'general',
  '2': 'larger',
  '3': 'major',
  '4': 'especially_major',
};
const VALID: Readonly<Record<string, boolean>> = { '1': false, '0': true };
const ITEMS: Readonly<Record<string, ServiceItem>> = {
  '1': 'training',
  '2': 'risk_assessment',
  '3': 'hazard_inspection',
  '4': 'emergency_drill',
  '5': 'standardization',
  '6': 'technology',
  '7': 'other',
};
const FORMS: Readonly<Record<string, ServiceForm>> = { '1': 'onsite', '2': 'remote', '3': 'centralized', '4': 'other' };
const PROVIDER_KINDS: Readonly<Record<string, 'insurer' | 'third_party'>> = { '1': 'insurer', '2': 'third_party' };
const SATISFIED: Readonly<Record<string, boolean>> = { '1': true, '0': false };
const LEVELS: Readonly<Record<string, HazardLevel>> = { '1': 'general', '2': 'major' };
const STATUSES: Readonly<Record<string, HazardStatus>> = { '0': 'open', '1': 'rectifying', '2': 'rectified' };

// v2 codes (INSURER-FORMATS.md §6): `sgdj` on an accident is 1–4 (0 is not a grade, unlike `sgdj` on a policy).
const ACCIDENT_GRADES: Readonly<Record<string, AccidentGrade>> = {
  '1': 'general',
  '2': 'larger',
  '3': 'major',
  '4': 'especially_major',
};
const ACCIDENT_STATUSES: Readonly<Record<string, AccidentStatus>> = { '0': 'open', '1': 'closed' };
const CLAIM_STATUSES: Readonly<Record<string, ClaimAction>> = {
  '1': 'filed',
  '2': 'assessed',
  '3': 'agreed',
  '4': 'paid',
  '5': 'rejected',
  '6': 'withdrawn',
};
const DECISIONS: Readonly<Record<string, ClaimDecision>> = { '1': 'accept', '2': 'reject' };

type Rec = Record<string, unknown>;

function enterprise(r: Rec) {
  return {
    uscc: uscc(r.xydm, 'xydm', true),
    name: name(r.qymc, 'qymc', true),
    regionCode: regionFromCode(r.xzqh, 'xzqh'),
    sector: sectorFromDadiCode(r.hydm, 'hydm'),
  };
}

function policy(r: Rec, insurer: string): MappedRecord {
  const action = coded(r.ywlx, 'ywlx', POLICY_ACTIONS, true);
  const start = date(r.qbrq, 'qbrq', 'slash', true);
  const end = date(r.zbrq, 'zbrq', 'slash', true);
  const record: PolicyRecord = {
    policyNo: identifier(r.bdh, 'bdh', true),
    insurer,
    action,
    version: integer(r.pgxh, 'pgxh', true, 0),
    enterprise: { ...enterprise(r), industryCode: null, employeeCount: integer(r.cyrs, 'cyrs', true) },
    contact: { name: name(r.lxr, 'lxr'), phone: phone(r.lxdh, 'lxdh') },
    coverage: {
      start,
      end,
      insuredHeadcount: integer(r.cbrs, 'cbrs', true),
      perPersonLimitFen: yuan(r.mrxe, 'mrxe', false, true),
      totalLimitFen: yuan(r.ljxe, 'ljxe', false, true),
    },
    premium: {
      amountFen: yuan(r.bf, 'bf', true, true),
      adjustmentPct: adjustmentPct(r.fdbl, 'fdbl', true),
      factors: {
        standardization: coded(r.bzhdj, 'bzhdj', STD_LEVEL),
        safetyCulture: coded(r.whsf, 'whsf', CULTURE),
        advancedUnit: coded(r.xjdw, 'xjdw', ADVANCED),
        priorYearAccident: coded(r.sgdj, 'sgdj', ACCIDENT),
      },
    },
    preventionFeeFen: yuan(r.yffy, 'yffy', false, true),
    cancelledOn: date(r.tbrq, 'tbrq', 'slash', action === 'cancelled'),
  };
  const time = dateTime(r.ywsj, 'ywsj', 'slash', true);
  checkCoveragePeriod(start, end);
  return { kind: 'policy', record, time };
}

/** `fwry`: names joined by `|`, no certificate numbers. */
function staff(v: unknown): ServiceRecord['staff'] {
  const all = scalarText(v, 'fwry');
  if (all === null || !all.trim()) return [];
  return all.split('|').map((who, i) => ({ name: name(who, `fwry[${i + 1}]`, true), certificateNo: null }));
}

function service(r: Rec, insurer: string): MappedRecord {
  const version = integer(r.bbh, 'bbh', true, 1);
  const revoked = coded(r.zt, 'zt', VALID, true);
  const startedAt = dateTime(r.kssj, 'kssj', 'slash', true);
  const endedAt = dateTime(r.jssj, 'jssj', 'slash', true);
  const record: ServiceRecord = {
    serviceId: identifier(r.fwbh, 'fwbh', true),
    insurer,
    action: serviceActionOf(revoked, version),
    version,
    policyNo: identifier(r.bdh, 'bdh'),
    enterprise: enterprise(r),
    item: coded(r.fwxm, 'fwxm', ITEMS, true),
    form: coded(r.fwxs, 'fwxs', FORMS, true),
    provider: {
      kind: coded(r.jglx, 'jglx', PROVIDER_KINDS, true),
      name: name(r.jgmc, 'jgmc', true),
      uscc: uscc(r.jgdm, 'jgdm'),
    },
    staff: staff(r.fwry),
    startedAt,
    endedAt,
    location: text(r.fwdd, 'fwdd'),
    summary: text(r.fwnr, 'fwnr'),
    hazardsFound: integer(r.yhs, 'yhs', true),
    costFen: yuan(r.fwfy, 'fwfy', false, true),
    revisit: revisitOf(
      dateTime(r.hfsj, 'hfsj', 'slash'),
      coded(r.hfmy, 'hfmy', SATISFIED),
      text(r.hfyj, 'hfyj'),
      '回访 (hfsj)',
    ),
  };
  const time = dateTime(r.ywsj, 'ywsj', 'slash', true);
  checkServicePeriod(startedAt, endedAt);
  return { kind: 'service', record, time };
}

function hazard(r: Rec, insurer: string): MappedRecord {
  const version = integer(r.bbh, 'bbh', true, 1);
  const status = coded(r.zgzt, 'zgzt', STATUSES, true);
  const record: HazardRecord = {
    hazardId: identifier(r.yhbh, 'yhbh', true),
    insurer,
    action: hazardActionOf(status, version),
    version,
    serviceId: identifier(r.fwbh, 'fwbh'),
    policyNo: identifier(r.bdh, 'bdh'),
    enterprise: enterprise(r),
    level: coded(r.yhdj, 'yhdj', LEVELS, true),
    category: text(r.yhlb, 'yhlb', false, MAX_NAME_LENGTH),
    description: text(r.yhms, 'yhms', true),
    discoveredAt: dateTime(r.fxsj, 'fxsj', 'slash', true),
    rectifyBy: date(r.zgqx, 'zgqx', 'slash'),
    status,
    rectifiedAt: dateTime(r.zgwcsj, 'zgwcsj', 'slash', status === 'rectified'),
  };
  const time = dateTime(r.ywsj, 'ywsj', 'slash', true);
  return { kind: 'hazard', record, time };
}

function accident(r: Rec, insurer: string): MappedRecord {
  const version = integer(r.bbh, 'bbh', true, 1);
  const status = numericCode(r.sgzt, 'sgzt', ACCIDENT_STATUSES, true);
  const occurredAt = dateTime(r.fssj, 'fssj', 'slash', true);
  const reportedToAuthorityAt = dateTime(r.bgsj, 'bgsj', 'slash');
  const record: AccidentRecord = {
    accidentId: identifier(r.sgbh, 'sgbh', true),
    insurer,
    action: accidentActionOf(status, version),
    version,
    policyNo: identifier(r.bdh, 'bdh'),
    enterprise: enterprise(r),
    occurredAt,
    location: text(r.fsdd, 'fsdd'),
    category: numericCode(r.sglb, 'sglb', ACCIDENT_CATEGORY_NUMBERS, true),
    grade: numericCode(r.sgdj, 'sgdj', ACCIDENT_GRADES, true),
    deaths: integer(r.swrs, 'swrs', true),
    seriousInjuries: integer(r.zsrs, 'zsrs', true),
    minorInjuries: integer(r.qsrs, 'qsrs', true),
    directLossFen: yuan(r.zjss, 'zjss', false, true),
    description: text(r.sgjg, 'sgjg', true),
    status,
    reportedToAuthorityAt,
  };
  const time = dateTime(r.ywsj, 'ywsj', 'slash', true);
  checkAccidentReport(occurredAt, reportedToAuthorityAt);
  return { kind: 'accident', record, time };
}

function claim(r: Rec, insurer: string): MappedRecord {
  const status = numericCode(r.ajzt, 'ajzt', CLAIM_STATUSES, true);
  const record: ClaimRecord = {
    claimNo: identifier(r.pah, 'pah', true),
    insurer,
    action: status,
    version: integer(r.bbh, 'bbh', true, 1),
    policyNo: identifier(r.bdh, 'bdh', true),
    accidentId: identifier(r.sgbh, 'sgbh'),
    enterprise: enterprise(r),
    filedAt: dateTime(r.basj, 'basj', 'slash', true),
    documentsCompleteAt: dateTime(r.zlqqsj, 'zlqqsj', 'slash'),
    decidedAt: dateTime(r.hdsj, 'hdsj', 'slash', status === 'rejected'),
    decision: numericCode(r.hdjl, 'hdjl', DECISIONS),
    agreedAt: dateTime(r.xysj, 'xysj', 'slash'),
    paidAt: dateTime(r.pfsj, 'pfsj', 'slash', status === 'paid'),
    claimedFen: yuan(r.spje, 'spje', true, true),
    agreedFen: yuan(r.xyje, 'xyje', false, true),
    paidFen: yuan(r.pfje, 'pfje', status === 'paid', true),
    victims: integer(r.sjrs, 'sjrs', true),
  };
  const time = dateTime(r.ywsj, 'ywsj', 'slash', true);
  checkClaimTimes(record);
  return { kind: 'claim', record, time };
}

/** DADI legacy JSON elements of `sj`, typed by `lx`. */
export const DADI_MAPPING: InsurerMapping = {
  insurer: 'DADI',
  version: 'DADI-2.0.0',
  declaredInsurerKey: 'gsdm',
  map(fields, _envelope, insurer) {
    switch (fields.lx) {
      case 'bd':
        return policy(fields, insurer);
      case 'fw':
        return service(fields, insurer);
      case 'yh':
        return hazard(fields, insurer);
      case 'sg':
        return accident(fields, insurer);
      case 'lp':
        return claim(fields, insurer);
      default:
        return reject('MALFORMED_RECORD', `unknown record type lx=${JSON.stringify(fields.lx)}`);
    }
  },
};
