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
  epochDate,
  epochDateTime,
  fen,
  identifier,
  integer,
  jsonBoolean,
  jsonIntegerCode,
  missing,
  name,
  phone,
  regionFromCode,
  revisitOf,
  sectorFromIndustryCode,
  text,
  uscc,
} from '../../values';

const POLICY_ACTIONS: Readonly<Record<string, PolicyAction>> = {
  NEW: 'issued',
  RENEW: 'renewed',
  ENDORSE: 'endorsed',
  SURRENDER: 'cancelled',
};
const STD_LEVEL: Readonly<Record<string, Standardization>> = {
  '0': 'none',
  '3': 'level3',
  '2': 'level2',
  '1': 'level1',
};
const CULTURE: Readonly<Record<string, SafetyCulture>> = {
  NONE: 'none',
  CITY: 'city',
  PROVINCE: 'province',
  NATIONAL: 'national',
};
const ADVANCED: Readonly<Record<string, AdvancedUnit>> = { NONE: 'none', CITY: 'city', PROVINCE: 'province' };
const ACCIDENT: Readonly<Record<string, PriorYearAccident>> = {
  NONE: 'none',
  GENERAL: 'general',
  LARGER: 'larger',
  MAJOR: 'major',
  EXTRA: 'especially_major',
};
const SERVICE_STATUS: Readonly<Record<string, boolean>> = { VALID: false, CANCELLED: true };
const SERVICE_TYPES: Readonly<Record<string, ServiceItem>> = {
  TRAINING: 'training',
  RISK_ASSESS: 'risk_assessment',
  HIDDEN_DANGER_CHECK: 'hazard_inspection',
  DRILL: 'emergency_drill',
  STANDARDIZATION: 'standardization',
  TECH: 'technology',
  OTHER: 'other',
};
const MODES: Readonly<Record<string, ServiceForm>> = {
  ONSITE: 'onsite',
  REMOTE: 'remote',
  CENTRAL: 'centralized',
  OTHER: 'other',
};
const PROVIDER_TYPES: Readonly<Record<string, 'insurer' | 'third_party'>> = {
  SELF: 'insurer',
  THIRD_PARTY: 'third_party',
};
const GRADES: Readonly<Record<string, HazardLevel>> = { GENERAL: 'general', MAJOR: 'major' };
const STATES: Readonly<Record<string, HazardStatus>> = { OPEN: 'open', DOING: 'rectifying', DONE: 'rectified' };

const ACCIDENT_STATES: Readonly<Record<string, AccidentStatus>> = { OPEN: 'open', CLOSED: 'closed' };
const ACCIDENT_GRADES: Readonly<Record<string, AccidentGrade>> = {
  GENERAL: 'general',
  LARGER: 'larger',
  MAJOR: 'major',
  EXTRA: 'especially_major',
};
const CLAIM_STATES: Readonly<Record<string, ClaimAction>> = {
  FILED: 'filed',
  ASSESSED: 'assessed',
  AGREED: 'agreed',
  PAID: 'paid',
  REJECTED: 'rejected',
  WITHDRAWN: 'withdrawn',
};
const DECISIONS: Readonly<Record<string, ClaimDecision>> = { ACCEPT: 'accept', REJECT: 'reject' };

type Obj = Record<string, unknown>;

/** A nested JSON object; absent/null is `{}` unless required. */
function object(v: unknown, field: string, required = false): Obj {
  if (v === null || v === undefined) return required ? missing(field) : {};
  if (typeof v !== 'object' || Array.isArray(v)) return reject('MALFORMED_RECORD', `${field} is not a JSON object`);
  return v as Obj;
}

function insured(r: Obj) {
  const ins = object(r.insured, 'insured', true);
  const [industryCode, sector] = sectorFromIndustryCode(ins.industryCode, 'insured.industryCode');
  return {
    ins,
    industryCode,
    enterprise: {
      uscc: uscc(ins.creditCode, 'insured.creditCode', true),
      name: name(ins.name, 'insured.name', true),
      regionCode: regionFromCode(ins.areaCode, 'insured.areaCode'),
      sector,
    },
  };
}

function policy(r: Obj, insurer: string): MappedRecord {
  const action = coded(r.bizType, 'bizType', POLICY_ACTIONS, true);
  const { ins, industryCode, enterprise } = insured(r);
  const factors = object(r.rateFactors, 'rateFactors');
  const start = epochDate(r.startDate, 'startDate', true);
  const end = epochDate(r.endDate, 'endDate', true);
  const record: PolicyRecord = {
    policyNo: identifier(r.policyNo, 'policyNo', true),
    insurer,
    action,
    version: integer(r.seq, 'seq', true, 0),
    enterprise: { ...enterprise, industryCode, employeeCount: integer(ins.staffCount, 'insured.staffCount', true) },
    contact: {
      name: name(ins.contactName, 'insured.contactName'),
      phone: phone(ins.contactMobile, 'insured.contactMobile'),
    },
    coverage: {
      start,
      end,
      insuredHeadcount: integer(r.insuredCount, 'insuredCount', true),
      perPersonLimitFen: fen(r.limitPerPersonFen, 'limitPerPersonFen'),
      totalLimitFen: fen(r.limitTotalFen, 'limitTotalFen'),
    },
    premium: {
      amountFen: fen(r.premiumFen, 'premiumFen', true),
      adjustmentPct: adjustmentPct(r.rateAdjustPct, 'rateAdjustPct'),
      factors: {
        standardization: coded(factors.stdLevel, 'rateFactors.stdLevel', STD_LEVEL),
        safetyCulture: coded(factors.cultureLevel, 'rateFactors.cultureLevel', CULTURE),
        advancedUnit: coded(factors.advanced, 'rateFactors.advanced', ADVANCED),
        priorYearAccident: coded(factors.lastYearAccident, 'rateFactors.lastYearAccident', ACCIDENT),
      },
    },
    preventionFeeFen: fen(r.preventionFeeFen, 'preventionFeeFen'),
    cancelledOn: epochDate(r.surrenderDate, 'surrenderDate', action === 'cancelled'),
  };
  const time = epochDateTime(r.bizTime, 'bizTime', true);
  checkCoveragePeriod(start, end);
  return { kind: 'policy', record, time };
}

function staff(v: unknown): ServiceRecord['staff'] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) return reject('MALFORMED_RECORD', 'staff is not a JSON array');
  return v.map((s, i) => {
    const person = object(s, `staff[${i}]`, true);
    return {
      name: name(person.name, `staff[${i}].name`, true),
      certificateNo: identifier(person.certNo, `staff[${i}].certNo`),
    };
  });
}

function service(r: Obj, insurer: string): MappedRecord {
  const version = integer(r.seq, 'seq', true, 1);
  const revoked = coded(r.status, 'status', SERVICE_STATUS, true);
  const { enterprise } = insured(r);
  const provider = object(r.provider, 'provider', true);
  const revisit = object(r.revisit, 'revisit');
  const startedAt = epochDateTime(r.start, 'start', true);
  const endedAt = epochDateTime(r.end, 'end', true);
  const record: ServiceRecord = {
    serviceId: identifier(r.serviceNo, 'serviceNo', true),
    insurer,
    action: serviceActionOf(revoked, version),
    version,
    policyNo: identifier(r.policyNo, 'policyNo'),
    enterprise,
    item: coded(r.serviceType, 'serviceType', SERVICE_TYPES, true),
    form: coded(r.mode, 'mode', MODES, true),
    provider: {
      kind: coded(provider.type, 'provider.type', PROVIDER_TYPES, true),
      name: name(provider.name, 'provider.name', true),
      uscc: uscc(provider.creditCode, 'provider.creditCode'),
    },
    staff: staff(r.staff),
    startedAt,
    endedAt,
    location: text(r.address, 'address'),
    summary: text(r.content, 'content'),
    hazardsFound: integer(r.dangerCount, 'dangerCount', true),
    costFen: fen(r.feeFen, 'feeFen'),
    revisit: revisitOf(
      epochDateTime(revisit.time, 'revisit.time'),
      jsonBoolean(revisit.satisfied, 'revisit.satisfied'),
      text(revisit.remark, 'revisit.remark'),
      'revisit',
    ),
  };
  const time = epochDateTime(r.bizTime, 'bizTime', true);
  checkServicePeriod(startedAt, endedAt);
  return { kind: 'service', record, time };
}

function hazard(r: Obj, insurer: string): MappedRecord {
  const version = integer(r.seq, 'seq', true, 1);
  const status = coded(r.state, 'state', STATES, true);
  const { enterprise } = insured(r);
  const record: HazardRecord = {
    hazardId: identifier(r.dangerNo, 'dangerNo', true),
    insurer,
    action: hazardActionOf(status, version),
    version,
    serviceId: identifier(r.serviceNo, 'serviceNo'),
    policyNo: identifier(r.policyNo, 'policyNo'),
    enterprise,
    level: coded(r.grade, 'grade', GRADES, true),
    category: text(r.category, 'category', false, MAX_NAME_LENGTH),
    description: text(r.desc, 'desc', true),
    discoveredAt: epochDateTime(r.foundTime, 'foundTime', true),
    rectifyBy: epochDate(r.deadline, 'deadline'),
    status,
    rectifiedAt: epochDateTime(r.doneTime, 'doneTime', status === 'rectified'),
  };
  const time = epochDateTime(r.bizTime, 'bizTime', true);
  return { kind: 'hazard', record, time };
}

function accident(r: Obj, insurer: string): MappedRecord {
  const version = integer(r.seq, 'seq', true, 1);
  const status = coded(r.state, 'state', ACCIDENT_STATES, true);
  const { enterprise } = insured(r);
  const occurredAt = epochDateTime(r.occurTime, 'occurTime', true);
  const reportedToAuthorityAt = epochDateTime(r.reportTime, 'reportTime');
  const record: AccidentRecord = {
    accidentId: identifier(r.accidentNo, 'accidentNo', true),
    insurer,
    action: accidentActionOf(status, version),
    version,
    policyNo: identifier(r.policyNo, 'policyNo'),
    enterprise,
    occurredAt,
    location: text(r.place, 'place'),
    category: jsonIntegerCode(r.accidentType, 'accidentType', ACCIDENT_CATEGORY_NUMBERS, true),
    grade: coded(r.grade, 'grade', ACCIDENT_GRADES, true),
    deaths: integer(r.deathCount, 'deathCount', true),
    seriousInjuries: integer(r.seriousInjuryCount, 'seriousInjuryCount', true),
    minorInjuries: integer(r.minorInjuryCount, 'minorInjuryCount', true),
    directLossFen: fen(r.directLossFen, 'directLossFen'),
    description: text(r.desc, 'desc', true),
    status,
    reportedToAuthorityAt,
  };
  const time = epochDateTime(r.bizTime, 'bizTime', true);
  checkAccidentReport(occurredAt, reportedToAuthorityAt);
  return { kind: 'accident', record, time };
}

function claim(r: Obj, insurer: string): MappedRecord {
  const status = coded(r.state, 'state', CLAIM_STATES, true);
  const { enterprise } = insured(r);
  const record: ClaimRecord = {
    claimNo: identifier(r.claimNo, 'claimNo', true),
    insurer,
    action: status,
    version: integer(r.seq, 'seq', true, 1),
    policyNo: identifier(r.policyNo, 'policyNo', true),
    accidentId: identifier(r.accidentNo, 'accidentNo'),
    enterprise,
    // 报案 (the claim's report time), not 向主管部门报告 as on accidents.
    filedAt: epochDateTime(r.reportTime, 'reportTime', true),
    documentsCompleteAt: epochDateTime(r.docsCompleteTime, 'docsCompleteTime'),
    decidedAt: epochDateTime(r.decideTime, 'decideTime', status === 'rejected'),
    decision: coded(r.decision, 'decision', DECISIONS),
    agreedAt: epochDateTime(r.agreeTime, 'agreeTime'),
    paidAt: epochDateTime(r.payTime, 'payTime', status === 'paid'),
    claimedFen: fen(r.claimFen, 'claimFen', true),
    agreedFen: fen(r.agreedFen, 'agreedFen'),
    paidFen: fen(r.paidFen, 'paidFen', status === 'paid'),
    victims: integer(r.victimCount, 'victimCount', true),
  };
  const time = epochDateTime(r.bizTime, 'bizTime', true);
  checkClaimTimes(record);
  return { kind: 'claim', record, time };
}

/** PINGAN NDJSON objects, typed by `recordType`. */
export const PINGAN_MAPPING: InsurerMapping = {
  insurer: 'PINGAN',
  version: 'PINGAN-2.0.0',
  map(fields, _envelope, insurer) {
    switch (fields.recordType) {
      case 'POLICY':
        return policy(fields, insurer);
      case 'SERVICE':
        return service(fields, insurer);
      case 'HAZARD':
        return hazard(fields, insurer);
      case 'ACCIDENT':
        return accident(fields, insurer);
      case 'CLAIM':
        return claim(fields, insurer);
      default:
        return reject('MALFORMED_RECORD', `unknown recordType ${JSON.stringify(fields.recordType)}`);
    }
  },
};
