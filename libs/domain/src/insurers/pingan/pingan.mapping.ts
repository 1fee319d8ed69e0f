import type {
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
  checkCoveragePeriod,
  checkServicePeriod,
  coded,
  epochDate,
  epochDateTime,
  fen,
  identifier,
  integer,
  jsonBoolean,
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

/** PINGAN NDJSON objects, typed by `recordType`. */
export const PINGAN_MAPPING: InsurerMapping = {
  insurer: 'PINGAN',
  version: 'PINGAN-1.0.0',
  map(fields, _envelope, insurer) {
    switch (fields.recordType) {
      case 'POLICY':
        return policy(fields, insurer);
      case 'SERVICE':
        return service(fields, insurer);
      case 'HAZARD':
        return hazard(fields, insurer);
      default:
        return reject('MALFORMED_RECORD', `unknown recordType ${JSON.stringify(fields.recordType)}`);
    }
  },
};
