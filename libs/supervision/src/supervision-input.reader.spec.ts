import { readRegisterEntry, readSupervisionEvent, SupervisionInputError } from './supervision-input.reader';
import { policy } from './testing/supervision.fixture';

const event = (data: object, extra: object = {}) => ({
  specversion: '1.0',
  id: 'x',
  type: 'ajx.policy.issued',
  subject: 'PICCAZ2024000001',
  dataschema: 'urn:ajx:policy:v1',
  insurer: 'PICC',
  data: { action: 'issued', contact: { name: null, phone: null }, ...data },
  ...extra,
});
const fullPolicy = () => JSON.parse(JSON.stringify(policy())) as Record<string, unknown>;

function problem(value: unknown): string {
  try {
    readSupervisionEvent(value);
  } catch (e) {
    expect(e).toBeInstanceOf(SupervisionInputError);
    return (e as Error).message;
  }
  throw new Error('expected the event to be refused');
}

describe('readSupervisionEvent', () => {
  it('reads what the rules need from a canonical event, with the acceptance extension', () => {
    const read = readSupervisionEvent(event(fullPolicy(), { ajxacceptedat: '2024-01-02T03:04:05.000Z' }));
    expect(read.kind).toBe('policy');
    expect(read.acceptedAt).toBe('2024-01-02T03:04:05.000Z');
    expect(read.record).toEqual(policy());
    expect(read.record).not.toHaveProperty('contact');
  });

  it.each([
    ['not an object', [], 'must be a JSON object, got []'],
    ['not a CloudEvent', { type: 'ajx.policy.issued' }, 'specversion: must be "1.0" (a CloudEvent), got nothing'],
    [
      'an unknown type',
      { specversion: '1.0', type: 'ajx.invoice.issued', data: {} },
      'type: must be ajx.<kind>.<action> of a known kind',
    ],
    [
      'a wrong dataschema',
      event(fullPolicy(), { dataschema: 'urn:ajx:service:v1' }),
      'dataschema: must be urn:ajx:policy:v1',
    ],
    [
      'a type not matching the action',
      event({ ...fullPolicy(), action: 'renewed' }),
      'type: ajx.policy.issued does not match data.action "renewed"',
    ],
    [
      'a subject not matching',
      event(fullPolicy(), { subject: 'OTHER' }),
      'subject: is "OTHER" but the record says "PICCAZ2024000001"',
    ],
    [
      'an insurer not matching',
      event(fullPolicy(), { insurer: 'DADI' }),
      'insurer: is "DADI" but the record says "PICC"',
    ],
    [
      'a bad acceptance time',
      event(fullPolicy(), { ajxacceptedat: 'yesterday' }),
      'ajxacceptedat: must be an RFC 3339 timestamp',
    ],
  ])('refuses %s', (_case, value, message) => expect(problem(value)).toContain(message));

  it.each([
    [
      'a missing field',
      (p: Record<string, any>) => delete p.preventionFeeFen,
      'data.preventionFeeFen: is missing (an integer ≥ 0, or null)',
    ],
    [
      'an impossible date',
      (p: Record<string, any>) => (p.coverage.start = '2024-02-30'),
      'data.coverage.start: must be a date YYYY-MM-DD, got "2024-02-30"',
    ],
    [
      'an end before the start',
      (p: Record<string, any>) => (p.coverage.end = '2023-12-31'),
      'data.coverage.end: 2023-12-31 is before the start 2024-01-01',
    ],
    [
      'an unknown sector',
      (p: Record<string, any>) => (p.enterprise.sector = 'mining'),
      'data.enterprise.sector: must be one of coal_mining',
    ],
    [
      'a fractional headcount',
      (p: Record<string, any>) => (p.coverage.insuredHeadcount = 4.5),
      'data.coverage.insuredHeadcount: must be an integer ≥ 0, got 4.5',
    ],
    [
      'an unknown factor level',
      (p: Record<string, any>) => (p.premium.factors.advancedUnit = 'national'),
      'data.premium.factors.advancedUnit: must be one of none, city, province, or null',
    ],
    [
      'a text adjustment',
      (p: Record<string, any>) => (p.premium.adjustmentPct = '-10'),
      'data.premium.adjustmentPct: must be a number, or null, got "-10"',
    ],
    ['a bad uscc', (p: Record<string, any>) => (p.enterprise.uscc = '123'), 'data.enterprise.uscc: must be a USCC'],
  ])('names the field of %s', (_case, change, message) => {
    const data = fullPolicy();
    change(data);
    expect(problem(event(data))).toContain(message);
  });

  it('reads accidents and claims (data standard v2)', () => {
    const accident = {
      specversion: '1.0',
      type: 'ajx.accident.reported',
      data: {
        accidentId: 'A1',
        insurer: 'PICC',
        action: 'reported',
        version: 1,
        enterprise: { uscc: '91370811MA3C000001', regionCode: '370811', sector: 'fireworks' },
        occurredAt: '2024-01-01T08:00:00+08:00',
        grade: 'general',
        deaths: 0,
        seriousInjuries: 0,
        minorInjuries: 1,
        directLossFen: null,
        reportedToAuthorityAt: null,
      },
    };
    expect(readSupervisionEvent(accident).kind).toBe('accident');
    expect(problem({ ...accident, data: { ...accident.data, grade: 'small' } })).toContain(
      'data.grade: must be one of general',
    );
    const claim = {
      specversion: '1.0',
      type: 'ajx.claim.paid',
      data: {
        claimNo: 'C1',
        insurer: 'PICC',
        action: 'paid',
        version: 2,
        enterprise: accident.data.enterprise,
        documentsCompleteAt: null,
        decidedAt: null,
        agreedAt: '2024-01-01T08:00:00+08:00',
        paidAt: '2024-01-05T08:00:00',
        paidFen: 100,
      },
    };
    expect(problem(claim)).toContain('data.paidAt: must be a datetime YYYY-MM-DDTHH:mm:ss+08:00, or null');
  });
});

describe('readRegisterEntry', () => {
  const entry = {
    uscc: '91370811MA3C000001',
    name: '济宁某矿业',
    regionCode: '370811',
    sector: 'fireworks',
    employeeCount: 12,
  };

  it('reads an entry, alternative optional', () => {
    expect(readRegisterEntry(entry)).toEqual({ ...entry, name: undefined, alternative: null } as never);
    expect(readRegisterEntry({ ...entry, employeeCount: null, alternative: 'risk_deposit' })).toMatchObject({
      employeeCount: null,
      alternative: 'risk_deposit',
    });
  });

  it.each([
    [{ ...entry, uscc: undefined }, 'uscc: is missing'],
    [{ ...entry, regionCode: '3708' }, 'regionCode: must be a six-digit region code'],
    [{ ...entry, employeeCount: -1 }, 'employeeCount: must be an integer ≥ 0, or null'],
    [{ ...entry, alternative: 'deposit' }, 'alternative: must be one of risk_deposit, or null'],
  ])('refuses %j', (value, message) => expect(() => readRegisterEntry(value)).toThrow(message));
});
