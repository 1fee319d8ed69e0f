import type {
  AccidentRecord,
  AccidentStatus,
  ClaimAction,
  ClaimRecord,
  HazardRecord,
  PolicyAction,
  PolicyRecord,
  ServiceRecord,
} from '@ajx/contracts';
import {
  ACCIDENT_CATEGORY_NAMES,
  ACCIDENT_GRADE_NAMES,
  accidentActionOf,
  ADVANCED_UNIT_NAMES,
  CLAIM_DECISION_NAMES,
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
  regionFromName,
  revisitOf,
  sectorFromName,
  text,
  uscc,
  yuan,
} from '../../values';
import { CPIC_RECORD_ELEMENTS, XML_ATTRIBUTE_PREFIX, XML_TEXT_KEY } from './cpic.format';

const POLICY_ACTIONS: Readonly<Record<string, PolicyAction>> = {
  NEW: 'issued',
  RENEW: 'renewed',
  AMEND: 'endorsed',
  CANCEL: 'cancelled',
};
const SERVICE_STATUS: Readonly<Record<string, boolean>> = { VALID: false, REVOKED: true };
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false };
const CURRENCIES: Readonly<Record<string, string>> = { CNY: 'CNY' };
const ACCIDENT_STATUS: Readonly<Record<string, AccidentStatus>> = { OPEN: 'open', CLOSED: 'closed' };
const CLAIM_STATUS: Readonly<Record<string, ClaimAction>> = {
  FILED: 'filed',
  ASSESSED: 'assessed',
  AGREED: 'agreed',
  PAID: 'paid',
  REJECTED: 'rejected',
  WITHDRAWN: 'withdrawn',
};

/** An element in the parser's JSON form (see cpic.parser.ts). */
type El = Record<string, unknown>;

/** A child element that must occur at most once, as an object (`{}` when absent or empty). */
function child(el: El, key: string, path: string): El {
  const v = el[key];
  if (v === undefined || v === '') return {};
  if (Array.isArray(v)) return reject('MALFORMED_RECORD', `${path}/${key} occurs more than once`);
  if (typeof v === 'string') return v.trim() ? { [XML_TEXT_KEY]: v } : {};
  return v as El;
}

/** Text of a child element (or of an element given as `key = null`); absent/empty is null. */
function textOf(el: El, key: string, path: string): string | null {
  const v = el[key];
  if (v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return reject('MALFORMED_RECORD', `${path}/${key} occurs more than once`);
  const t = (v as El)[XML_TEXT_KEY];
  return typeof t === 'string' ? t : null;
}

const attr = (el: El, name: string): string | null => {
  const v = el[XML_ATTRIBUTE_PREFIX + name];
  return typeof v === 'string' ? v : null;
};

function enterprise(el: El, path: string) {
  const ins = child(el, 'Insured', path);
  if (!Object.keys(ins).length) missing(`${path}/Insured`);
  const p = `${path}/Insured`;
  return {
    ins,
    enterprise: {
      uscc: uscc(textOf(ins, 'CreditCode', p), `${p}/CreditCode`, true),
      name: name(textOf(ins, 'Name', p), `${p}/Name`, true),
      regionCode: regionFromName(textOf(ins, 'Region', p), `${p}/Region`),
      sector: sectorFromName(textOf(ins, 'Industry', p), `${p}/Industry`),
    },
  };
}

function policy(el: El, insurer: string): MappedRecord {
  const p = 'Policy';
  const action = coded(attr(el, 'action'), `${p}@action`, POLICY_ACTIONS, true);
  const { ins, enterprise: ent } = enterprise(el, p);
  const contact = child(ins, 'Contact', `${p}/Insured`);
  const period = child(el, 'Period', p);
  const premium = child(el, 'Premium', p);
  const limits = child(el, 'Limits', p);
  const factors = child(el, 'RateFactors', p);
  coded(attr(premium, 'currency'), `${p}/Premium@currency`, CURRENCIES);
  const start = date(attr(period, 'from'), `${p}/Period@from`, 'compact', true);
  const end = date(attr(period, 'to'), `${p}/Period@to`, 'compact', true);
  const record: PolicyRecord = {
    policyNo: identifier(textOf(el, 'PolicyNo', p), `${p}/PolicyNo`, true),
    insurer,
    action,
    version: integer(attr(el, 'seq'), `${p}@seq`, true, 0),
    enterprise: {
      ...ent,
      industryCode: null,
      employeeCount: integer(textOf(ins, 'Employees', `${p}/Insured`), `${p}/Insured/Employees`, true),
    },
    contact: {
      name: name(textOf(contact, 'Name', `${p}/Insured/Contact`), `${p}/Insured/Contact/Name`),
      phone: phone(textOf(contact, 'Phone', `${p}/Insured/Contact`), `${p}/Insured/Contact/Phone`),
    },
    coverage: {
      start,
      end,
      insuredHeadcount: integer(textOf(el, 'InsuredPersons', p), `${p}/InsuredPersons`, true),
      perPersonLimitFen: yuan(attr(limits, 'perPerson'), `${p}/Limits@perPerson`),
      totalLimitFen: yuan(attr(limits, 'total'), `${p}/Limits@total`),
    },
    premium: {
      amountFen: yuan(textOf(el, 'Premium', p), `${p}/Premium`, true),
      adjustmentPct: adjustmentPct(attr(factors, 'adjust'), `${p}/RateFactors@adjust`),
      factors: {
        standardization: coded(
          attr(factors, 'standardization'),
          `${p}/RateFactors@standardization`,
          STANDARDIZATION_NAMES,
        ),
        safetyCulture: coded(attr(factors, 'culture'), `${p}/RateFactors@culture`, SAFETY_CULTURE_NAMES),
        advancedUnit: coded(attr(factors, 'advanced'), `${p}/RateFactors@advanced`, ADVANCED_UNIT_NAMES),
        priorYearAccident: coded(attr(factors, 'accident'), `${p}/RateFactors@accident`, PRIOR_YEAR_ACCIDENT_NAMES),
      },
    },
    preventionFeeFen: yuan(textOf(el, 'PreventionFee', p), `${p}/PreventionFee`),
    cancelledOn: date(textOf(el, 'CancelDate', p), `${p}/CancelDate`, 'compact', action === 'cancelled'),
  };
  const time = dateTime(textOf(el, 'BizTime', p), `${p}/BizTime`, 'iso-offset', true);
  checkCoveragePeriod(start, end);
  return { kind: 'policy', record, time };
}

function staff(el: El, p: string): ServiceRecord['staff'] {
  const s = child(el, 'Staff', p);
  const persons = s.Person;
  if (persons === undefined) {
    if (typeof s[XML_TEXT_KEY] === 'string') reject('MALFORMED_RECORD', `${p}/Staff holds text instead of <Person>`);
    return [];
  }
  const list = Array.isArray(persons) ? persons : [persons];
  return list.map((person, i) => {
    const pe: El = typeof person === 'string' ? { [XML_TEXT_KEY]: person } : (person as El);
    const path = `${p}/Staff/Person[${i + 1}]`;
    return {
      name: name(pe[XML_TEXT_KEY] ?? null, path, true),
      certificateNo: identifier(attr(pe, 'cert'), `${path}@cert`),
    };
  });
}

function service(el: El, insurer: string): MappedRecord {
  const p = 'Service';
  const version = integer(attr(el, 'seq'), `${p}@seq`, true, 1);
  const revoked = coded(attr(el, 'status'), `${p}@status`, SERVICE_STATUS, true);
  const { enterprise: ent } = enterprise(el, p);
  const provider = child(el, 'Provider', p);
  const revisit = child(el, 'Revisit', p);
  const startedAt = dateTime(textOf(el, 'Start', p), `${p}/Start`, 'iso-offset', true);
  const endedAt = dateTime(textOf(el, 'End', p), `${p}/End`, 'iso-offset', true);
  const record: ServiceRecord = {
    serviceId: identifier(attr(el, 'id'), `${p}@id`, true),
    insurer,
    action: serviceActionOf(revoked, version),
    version,
    policyNo: identifier(textOf(el, 'PolicyNo', p), `${p}/PolicyNo`),
    enterprise: ent,
    item: coded(textOf(el, 'Item', p), `${p}/Item`, SERVICE_ITEM_NAMES, true),
    form: coded(textOf(el, 'Form', p), `${p}/Form`, SERVICE_FORM_NAMES, true),
    provider: {
      kind: coded(attr(provider, 'kind'), `${p}/Provider@kind`, PROVIDER_KIND_NAMES, true),
      name: name(provider[XML_TEXT_KEY] ?? null, `${p}/Provider`, true),
      uscc: uscc(attr(provider, 'creditCode'), `${p}/Provider@creditCode`),
    },
    staff: staff(el, p),
    startedAt,
    endedAt,
    location: text(textOf(el, 'Location', p), `${p}/Location`),
    summary: text(textOf(el, 'Summary', p), `${p}/Summary`),
    hazardsFound: integer(textOf(el, 'HazardsFound', p), `${p}/HazardsFound`, true),
    costFen: yuan(textOf(el, 'Cost', p), `${p}/Cost`),
    revisit: revisitOf(
      dateTime(attr(revisit, 'at'), `${p}/Revisit@at`, 'iso-offset'),
      coded(attr(revisit, 'satisfied'), `${p}/Revisit@satisfied`, BOOLEANS),
      text(revisit[XML_TEXT_KEY] ?? null, `${p}/Revisit`),
      `${p}/Revisit`,
    ),
  };
  const time = dateTime(textOf(el, 'BizTime', p), `${p}/BizTime`, 'iso-offset', true);
  checkServicePeriod(startedAt, endedAt);
  return { kind: 'service', record, time };
}

function hazard(el: El, insurer: string): MappedRecord {
  const p = 'Hazard';
  const version = integer(attr(el, 'seq'), `${p}@seq`, true, 1);
  const status = coded(textOf(el, 'Status', p), `${p}/Status`, HAZARD_STATUS_NAMES, true);
  const { enterprise: ent } = enterprise(el, p);
  const record: HazardRecord = {
    hazardId: identifier(attr(el, 'id'), `${p}@id`, true),
    insurer,
    action: hazardActionOf(status, version),
    version,
    serviceId: identifier(textOf(el, 'ServiceId', p), `${p}/ServiceId`),
    policyNo: identifier(textOf(el, 'PolicyNo', p), `${p}/PolicyNo`),
    enterprise: ent,
    level: coded(textOf(el, 'Level', p), `${p}/Level`, HAZARD_LEVEL_NAMES, true),
    category: text(textOf(el, 'Category', p), `${p}/Category`, false, MAX_NAME_LENGTH),
    description: text(textOf(el, 'Description', p), `${p}/Description`, true),
    discoveredAt: dateTime(textOf(el, 'DiscoveredAt', p), `${p}/DiscoveredAt`, 'iso-offset', true),
    rectifyBy: date(textOf(el, 'RectifyBy', p), `${p}/RectifyBy`, 'compact'),
    status,
    rectifiedAt: dateTime(textOf(el, 'RectifiedAt', p), `${p}/RectifiedAt`, 'iso-offset', status === 'rectified'),
  };
  const time = dateTime(textOf(el, 'BizTime', p), `${p}/BizTime`, 'iso-offset', true);
  return { kind: 'hazard', record, time };
}

function accident(el: El, insurer: string): MappedRecord {
  const p = 'Accident';
  const version = integer(attr(el, 'seq'), `${p}@seq`, true, 1);
  const status = coded(attr(el, 'status'), `${p}@status`, ACCIDENT_STATUS, true);
  const { enterprise: ent } = enterprise(el, p);
  const casualties = child(el, 'Casualties', p);
  const occurredAt = dateTime(textOf(el, 'OccurredAt', p), `${p}/OccurredAt`, 'iso-offset', true);
  const reportedToAuthorityAt = dateTime(textOf(el, 'ReportedAt', p), `${p}/ReportedAt`, 'iso-offset');
  const record: AccidentRecord = {
    accidentId: identifier(attr(el, 'id'), `${p}@id`, true),
    insurer,
    action: accidentActionOf(status, version),
    version,
    policyNo: identifier(textOf(el, 'PolicyNo', p), `${p}/PolicyNo`),
    enterprise: ent,
    occurredAt,
    location: text(textOf(el, 'Location', p), `${p}/Location`),
    category: coded(textOf(el, 'Category', p), `${p}/Category`, ACCIDENT_CATEGORY_NAMES, true),
    grade: coded(textOf(el, 'Grade', p), `${p}/Grade`, ACCIDENT_GRADE_NAMES, true),
    deaths: integer(attr(casualties, 'deaths'), `${p}/Casualties@deaths`, true),
    seriousInjuries: integer(attr(casualties, 'serious'), `${p}/Casualties@serious`, true),
    minorInjuries: integer(attr(casualties, 'minor'), `${p}/Casualties@minor`, true),
    // No currency attribute: amounts of v2 elements are yuan (CNY).
    directLossFen: yuan(textOf(el, 'DirectLoss', p), `${p}/DirectLoss`),
    description: text(textOf(el, 'Description', p), `${p}/Description`, true),
    status,
    reportedToAuthorityAt,
  };
  const time = dateTime(textOf(el, 'BizTime', p), `${p}/BizTime`, 'iso-offset', true);
  checkAccidentReport(occurredAt, reportedToAuthorityAt);
  return { kind: 'accident', record, time };
}

function claim(el: El, insurer: string): MappedRecord {
  const p = 'Claim';
  const status = coded(attr(el, 'status'), `${p}@status`, CLAIM_STATUS, true);
  const { enterprise: ent } = enterprise(el, p);
  const amounts = child(el, 'Amounts', p);
  const record: ClaimRecord = {
    claimNo: identifier(attr(el, 'id'), `${p}@id`, true),
    insurer,
    action: status,
    version: integer(attr(el, 'seq'), `${p}@seq`, true, 1),
    policyNo: identifier(textOf(el, 'PolicyNo', p), `${p}/PolicyNo`, true),
    accidentId: identifier(textOf(el, 'AccidentId', p), `${p}/AccidentId`),
    enterprise: ent,
    filedAt: dateTime(textOf(el, 'FiledAt', p), `${p}/FiledAt`, 'iso-offset', true),
    documentsCompleteAt: dateTime(textOf(el, 'DocumentsCompleteAt', p), `${p}/DocumentsCompleteAt`, 'iso-offset'),
    decidedAt: dateTime(textOf(el, 'DecidedAt', p), `${p}/DecidedAt`, 'iso-offset', status === 'rejected'),
    decision: coded(textOf(el, 'Decision', p), `${p}/Decision`, CLAIM_DECISION_NAMES),
    agreedAt: dateTime(textOf(el, 'AgreedAt', p), `${p}/AgreedAt`, 'iso-offset'),
    paidAt: dateTime(textOf(el, 'PaidAt', p), `${p}/PaidAt`, 'iso-offset', status === 'paid'),
    claimedFen: yuan(attr(amounts, 'claimed'), `${p}/Amounts@claimed`, true),
    agreedFen: yuan(attr(amounts, 'agreed'), `${p}/Amounts@agreed`),
    paidFen: yuan(attr(amounts, 'paid'), `${p}/Amounts@paid`, status === 'paid'),
    victims: integer(textOf(el, 'Victims', p), `${p}/Victims`, true),
  };
  const time = dateTime(textOf(el, 'BizTime', p), `${p}/BizTime`, 'iso-offset', true);
  checkClaimTimes(record);
  return { kind: 'claim', record, time };
}

/** CPIC XML records: `{<element name>: <element>}` with the element in the parser's JSON form. */
export const CPIC_MAPPING: InsurerMapping = {
  insurer: 'CPIC',
  version: 'CPIC-2.0.0',
  declaredInsurerKey: 'insurer',
  map(fields, _envelope, insurer) {
    const names = Object.keys(fields);
    if (names.length !== 1) return reject('MALFORMED_RECORD', 'a record is exactly one element');
    const [element] = names;
    const value = fields[element];
    const el: El = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as El) : {};
    switch (element as keyof typeof CPIC_RECORD_ELEMENTS) {
      case 'Policy':
        return policy(el, insurer);
      case 'Service':
        return service(el, insurer);
      case 'Hazard':
        return hazard(el, insurer);
      case 'Accident':
        return accident(el, insurer);
      case 'Claim':
        return claim(el, insurer);
      default:
        return reject('MALFORMED_RECORD', `unknown record element <${element}>`);
    }
  },
};
