import { HAZARD_ACTIONS, POLICY_ACTIONS, SECTORS, SERVICE_ACTIONS, SERVICE_ITEMS } from '@ajx/contracts';
import { dayNumber, isBeijingDateTime, isIsoDate, isRfc3339 } from './calendar';
import {
  ACCIDENT_GRADES,
  CLAIM_ACTIONS,
  SUPERVISED_KINDS,
  type SupervisedKind,
  type SupervisionInput,
  type SupervisionRegisterEntry,
} from './supervision.types';

/*
 * Reading canonical CloudEvents (as `ajx normalize` writes them, data standard v1 and v2) and register entries into
 * what the rules read, checking every field a rule or figure reads: a bad value is refused with the field named,
 * never skipped or guessed.
 */

/** A value that cannot be supervised: `field` is its path (`data.coverage.start`), empty for the whole value. */
export class SupervisionInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
    this.name = 'SupervisionInputError';
  }
}

const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const REGION = /^\d{6}$/;
const INSURER = /^[A-Z][A-Z0-9_]{1,31}$/;
const RECORD_ID = /^\S{1,64}$/;

const ACCIDENT_ACTIONS = ['reported', 'updated', 'closed'] as const;
const ACTIONS: Record<SupervisedKind, readonly string[]> = {
  policy: POLICY_ACTIONS,
  service: SERVICE_ACTIONS,
  hazard: HAZARD_ACTIONS,
  accident: ACCIDENT_ACTIONS,
  claim: CLAIM_ACTIONS,
};
const SUBJECT_FIELD: Record<SupervisedKind, string> = {
  policy: 'policyNo',
  service: 'serviceId',
  hazard: 'hazardId',
  accident: 'accidentId',
  claim: 'claimNo',
};
const KINDS: ReadonlySet<string> = new Set(SUPERVISED_KINDS);
const STANDARDIZATION = ['none', 'level3', 'level2', 'level1'] as const;
const SAFETY_CULTURE = ['none', 'city', 'province', 'national'] as const;
const ADVANCED_UNIT = ['none', 'city', 'province'] as const;
const PRIOR_YEAR_ACCIDENT = ['none', ...ACCIDENT_GRADES] as const;

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Reads the members of one JSON object, naming each by its path in errors. */
class Fields {
  constructor(
    private readonly o: Record<string, unknown>,
    private readonly path: string,
  ) {}

  static of(value: unknown, path: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SupervisionInputError(path, `must be a JSON object, got ${show(value)}`);
    return new Fields(value as Record<string, unknown>, path);
  }

  private at(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  private fail(name: string, expected: string): never {
    const v = this.o[name];
    throw new SupervisionInputError(
      this.at(name),
      v === undefined ? `is missing (${expected})` : `must be ${expected}, got ${show(v)}`,
    );
  }

  has(name: string): boolean {
    return this.o[name] !== undefined;
  }

  raw(name: string): unknown {
    return this.o[name];
  }

  object(name: string): Fields {
    const v = this.o[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, 'an object');
    return new Fields(v as Record<string, unknown>, this.at(name));
  }

  string(name: string, pattern: RegExp, expected: string): string {
    const v = this.o[name];
    if (typeof v !== 'string' || !pattern.test(v)) this.fail(name, expected);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.o[name];
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(name, `one of ${values.join(', ')}`);
    return v as T;
  }

  nullableOneOf<T extends string>(name: string, values: readonly T[]): T | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(name, `one of ${values.join(', ')}, or null`);
    return v as T;
  }

  integer(name: string, min: number): number {
    const v = this.o[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(name, `an integer ≥ ${min}`);
    return v;
  }

  nullableInteger(name: string, min: number): number | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(name, `an integer ≥ ${min}, or null`);
    return v;
  }

  nullableNumber(name: string): number | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(name, 'a number, or null');
    return v;
  }

  date(name: string): string {
    const v = this.o[name];
    if (typeof v !== 'string' || !isIsoDate(v)) this.fail(name, 'a date YYYY-MM-DD');
    return v;
  }

  nullableDate(name: string): string | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (typeof v !== 'string' || !isIsoDate(v)) this.fail(name, 'a date YYYY-MM-DD, or null');
    return v;
  }

  datetime(name: string): string {
    const v = this.o[name];
    if (typeof v !== 'string' || !isBeijingDateTime(v)) this.fail(name, 'a datetime YYYY-MM-DDTHH:mm:ss+08:00');
    return v;
  }

  nullableDatetime(name: string): string | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (typeof v !== 'string' || !isBeijingDateTime(v))
      this.fail(name, 'a datetime YYYY-MM-DDTHH:mm:ss+08:00, or null');
    return v;
  }
}

function enterpriseOf(data: Fields) {
  const e = data.object('enterprise');
  return {
    uscc: e.string('uscc', USCC, 'a USCC (18 characters of the GB 32100 alphabet)'),
    regionCode: e.string('regionCode', REGION, 'a six-digit region code'),
    sector: e.oneOf('sector', SECTORS),
  };
}

function identityOf(data: Fields, kind: SupervisedKind, minVersion: number) {
  return {
    subject: data.string(SUBJECT_FIELD[kind], RECORD_ID, 'an id of 1–64 characters without white space'),
    insurer: data.string('insurer', INSURER, 'an insurer code such as PICC'),
    action: data.oneOf('action', ACTIONS[kind]),
    version: data.integer('version', minVersion),
  };
}

/** The record of an event's `data`, reading only what the rules read. */
function recordOf(kind: SupervisedKind, data: Fields): SupervisionInput['record'] {
  switch (kind) {
    case 'policy': {
      const id = identityOf(data, kind, 0);
      const enterprise = data.object('enterprise');
      const coverage = data.object('coverage');
      const premium = data.object('premium');
      const factors = premium.object('factors');
      const start = coverage.date('start');
      const end = coverage.date('end');
      if (dayNumber(end) < dayNumber(start))
        throw new SupervisionInputError('data.coverage.end', `${end} is before the start ${start}`);
      return {
        policyNo: id.subject,
        insurer: id.insurer,
        version: id.version,
        enterprise: { ...enterpriseOf(data), employeeCount: enterprise.integer('employeeCount', 0) },
        coverage: { start, end, insuredHeadcount: coverage.integer('insuredHeadcount', 0) },
        premium: {
          amountFen: premium.integer('amountFen', 0),
          adjustmentPct: premium.nullableNumber('adjustmentPct'),
          factors: {
            standardization: factors.nullableOneOf('standardization', STANDARDIZATION),
            safetyCulture: factors.nullableOneOf('safetyCulture', SAFETY_CULTURE),
            advancedUnit: factors.nullableOneOf('advancedUnit', ADVANCED_UNIT),
            priorYearAccident: factors.nullableOneOf('priorYearAccident', PRIOR_YEAR_ACCIDENT),
          },
        },
        preventionFeeFen: data.nullableInteger('preventionFeeFen', 0),
        cancelledOn: data.nullableDate('cancelledOn'),
      };
    }
    case 'service': {
      const id = identityOf(data, kind, 1);
      return {
        serviceId: id.subject,
        insurer: id.insurer,
        action: id.action as 'recorded' | 'amended' | 'revoked',
        version: id.version,
        enterprise: enterpriseOf(data),
        item: data.oneOf('item', SERVICE_ITEMS),
        endedAt: data.datetime('endedAt'),
        costFen: data.nullableInteger('costFen', 0),
      };
    }
    case 'hazard': {
      const id = identityOf(data, kind, 1);
      return {
        hazardId: id.subject,
        insurer: id.insurer,
        version: id.version,
        enterprise: enterpriseOf(data),
        level: data.oneOf('level', ['general', 'major'] as const),
        discoveredAt: data.datetime('discoveredAt'),
        rectifyBy: data.nullableDate('rectifyBy'),
        status: data.oneOf('status', ['open', 'rectifying', 'rectified'] as const),
      };
    }
    case 'accident': {
      const id = identityOf(data, kind, 1);
      return {
        accidentId: id.subject,
        insurer: id.insurer,
        version: id.version,
        enterprise: enterpriseOf(data),
        occurredAt: data.datetime('occurredAt'),
        grade: data.oneOf('grade', ACCIDENT_GRADES),
        deaths: data.integer('deaths', 0),
        seriousInjuries: data.integer('seriousInjuries', 0),
        minorInjuries: data.integer('minorInjuries', 0),
        directLossFen: data.nullableInteger('directLossFen', 0),
        reportedToAuthorityAt: data.nullableDatetime('reportedToAuthorityAt'),
      };
    }
    case 'claim': {
      const id = identityOf(data, kind, 1);
      return {
        claimNo: id.subject,
        insurer: id.insurer,
        action: id.action as (typeof CLAIM_ACTIONS)[number],
        version: id.version,
        enterprise: enterpriseOf(data),
        documentsCompleteAt: data.nullableDatetime('documentsCompleteAt'),
        decidedAt: data.nullableDatetime('decidedAt'),
        agreedAt: data.nullableDatetime('agreedAt'),
        paidAt: data.nullableDatetime('paidAt'),
        paidFen: data.nullableInteger('paidFen', 0),
      };
    }
  }
}

/** Envelope attributes that, when present, must agree with the record (as `ajx normalize` writes them). */
function checkAttribute(event: Fields, name: string, expected: string | number): void {
  if (!event.has(name)) return;
  const v = event.raw(name);
  if (v !== expected) throw new SupervisionInputError(name, `is ${show(v)} but the record says ${show(expected)}`);
}

/**
 * Reads one canonical CloudEvent (structured mode, parsed JSON) of a policy, service, hazard, accident or claim.
 * The optional extension `ajxacceptedat` (RFC 3339) is the hub's acceptance time. Throws SupervisionInputError.
 */
export function readSupervisionEvent(value: unknown): SupervisionInput {
  const event = Fields.of(value, '');
  if (event.raw('specversion') !== '1.0')
    throw new SupervisionInputError(
      'specversion',
      `must be "1.0" (a CloudEvent), got ${show(event.raw('specversion'))}`,
    );
  const type = event.raw('type');
  const m = typeof type === 'string' ? /^ajx\.([a-z]+)\.([a-z_]+)$/.exec(type) : null;
  if (!m || !KINDS.has(m[1]))
    throw new SupervisionInputError(
      'type',
      `must be ajx.<kind>.<action> of a known kind (${SUPERVISED_KINDS.join(', ')}), got ${show(type)}`,
    );
  const kind = m[1] as SupervisedKind;
  if (event.has('dataschema') && event.raw('dataschema') !== `urn:ajx:${kind}:v1`)
    throw new SupervisionInputError(
      'dataschema',
      `must be urn:ajx:${kind}:v1 for ${type as string}, got ${show(event.raw('dataschema'))}`,
    );
  const data = event.object('data');
  const record = recordOf(kind, data);
  const action = data.raw('action') as string;
  if (m[2] !== action)
    throw new SupervisionInputError('type', `${type as string} does not match data.action ${show(action)}`);
  checkAttribute(event, 'subject', data.raw(SUBJECT_FIELD[kind]) as string);
  checkAttribute(event, 'insurer', record.insurer);
  checkAttribute(event, 'uscc', record.enterprise.uscc);
  checkAttribute(event, 'region', record.enterprise.regionCode);
  checkAttribute(event, 'sector', record.enterprise.sector);
  checkAttribute(event, 'sourceversion', record.version);
  let acceptedAt: string | null = null;
  if (event.has('ajxacceptedat')) {
    const v = event.raw('ajxacceptedat');
    if (typeof v !== 'string' || !isRfc3339(v))
      throw new SupervisionInputError(
        'ajxacceptedat',
        `must be an RFC 3339 timestamp (e.g. 2023-03-06T16:00:17.000Z), got ${show(v)}`,
      );
    acceptedAt = v;
  }
  return { kind, record, acceptedAt } as SupervisionInput;
}

/**
 * Reads one entry of the must-insure register (parsed JSON): `uscc`, `regionCode`, `sector`, `employeeCount`
 * (optional, null) and `alternative` (optional, null or `risk_deposit`). Other members (name, address …) are not read.
 */
export function readRegisterEntry(value: unknown): SupervisionRegisterEntry {
  const entry = Fields.of(value, '');
  const uscc = entry.string('uscc', USCC, 'a USCC (18 characters of the GB 32100 alphabet)');
  const regionCode = entry.string('regionCode', REGION, 'a six-digit region code');
  const sector = entry.oneOf('sector', SECTORS);
  const employeeCount = entry.has('employeeCount') ? entry.nullableInteger('employeeCount', 0) : null;
  const alternative = entry.has('alternative') ? entry.nullableOneOf('alternative', ['risk_deposit'] as const) : null;
  return { uscc, regionCode, sector, employeeCount, alternative };
}
