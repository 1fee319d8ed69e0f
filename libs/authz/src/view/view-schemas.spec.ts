import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import {
  ACCIDENT_ACTIONS,
  ACCIDENT_CATEGORIES,
  ACCIDENT_GRADES,
  ACCIDENT_STATUSES,
  ADVANCED_UNIT_LEVELS,
  CLAIM_ACTIONS,
  CLAIM_DECISIONS,
  HAZARD_ACTIONS,
  HAZARD_LEVELS,
  HAZARD_STATUSES,
  POLICY_ACTIONS,
  PRIOR_YEAR_ACCIDENT_LEVELS,
  RECORD_KINDS,
  SAFETY_CULTURE_LEVELS,
  SECTORS,
  SERVICE_ACTIONS,
  SERVICE_FORMS,
  SERVICE_ITEMS,
  STANDARDIZATION_LEVELS,
  type AccidentRecord,
  type ClaimRecord,
  type HazardRecord,
  type PolicyRecord,
  type RecordKind,
  type ServiceRecord,
} from '@ajx/contracts';
import accidentSchema from '../../../contracts/schemas/accident.v1.schema.json';
import claimSchema from '../../../contracts/schemas/claim.v1.schema.json';
import hazardSchema from '../../../contracts/schemas/hazard.v1.schema.json';
import policySchema from '../../../contracts/schemas/policy.v1.schema.json';
import serviceSchema from '../../../contracts/schemas/service.v1.schema.json';
import { maskRecord } from '../mask/record.mask';
import { VIEW_SCHEMAS } from './view-schemas';

const CANONICAL_SCHEMAS: Record<RecordKind, object> = {
  policy: policySchema,
  service: serviceSchema,
  hazard: hazardSchema,
  accident: accidentSchema,
  claim: claimSchema,
};

/** Schemas without annotations, so structure can be compared. */
function structure(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structure);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => !['description', '$id', 'title'].includes(k))
      .map(([k, v]) => [k, structure(v)]),
  );
}

function setAt(root: object, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((o, k) => o[k] as Record<string, unknown>, root as Record<string, unknown>);
  parent[keys[keys.length - 1]] = value;
}

describe('VIEW_SCHEMAS', () => {
  it('have their own ids', () => {
    for (const kind of RECORD_KINDS) expect(VIEW_SCHEMAS[kind].$id).toBe(`urn:ajx:${kind}-view:v1`);
  });

  it('are the canonical schemas with exactly the masked fields relaxed', () => {
    const policy = structuredClone(policySchema);
    setAt(policy, 'properties.contact.properties.phone.pattern', '^[0-9*]{5,20}$');
    setAt(policy, 'properties.premium.properties.amountFen.type', ['integer', 'null']);
    setAt(policy, 'properties.premium.properties.factors.type', ['object', 'null']);
    expect(structure(VIEW_SCHEMAS.policy)).toEqual(structure(policy));
    // Masked staff names and certificate numbers still match; costFen and hazards need no change.
    expect(structure(VIEW_SCHEMAS.service)).toEqual(structure(serviceSchema));
    expect(structure(VIEW_SCHEMAS.hazard)).toEqual(structure(hazardSchema));
    // An accident's direct loss is nullable already; a claim's amount claimed becomes nullable.
    expect(structure(VIEW_SCHEMAS.accident)).toEqual(structure(accidentSchema));
    const claim = structuredClone(claimSchema);
    setAt(claim, 'properties.claimedFen.type', ['integer', 'null']);
    expect(structure(VIEW_SCHEMAS.claim)).toEqual(structure(claim));
  });
});

// ----- random canonical records -----

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const text = (max: number) => fc.string({ unit: 'binary', minLength: 1, maxLength: max });
const token = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((s) => /^\S+$/u.test(s));
const uscc = fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
const date = fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/);
const dateTime = fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
const insurer = fc.constantFrom('PICC', 'PINGAN', 'CPIC', 'DADI');
const enterprise = fc.record({
  uscc,
  name: text(20),
  regionCode: fc.stringMatching(/^\d{6}$/),
  sector: fc.constantFrom(...SECTORS),
});

const policyRecord: fc.Arbitrary<PolicyRecord> = fc.record({
  policyNo: token,
  insurer,
  action: fc.constantFrom(...POLICY_ACTIONS),
  version: fc.nat(),
  enterprise: fc.record({
    uscc,
    name: text(20),
    regionCode: fc.stringMatching(/^\d{6}$/),
    sector: fc.constantFrom(...SECTORS),
    industryCode: nullable(fc.stringMatching(/^[A-T]\d{2,4}$/)),
    employeeCount: fc.nat(),
  }),
  contact: fc.record({ name: nullable(text(12)), phone: nullable(fc.stringMatching(/^\d{5,20}$/)) }),
  coverage: fc.record({
    start: date,
    end: date,
    insuredHeadcount: fc.nat(),
    perPersonLimitFen: nullable(fc.nat()),
    totalLimitFen: nullable(fc.nat()),
  }),
  premium: fc.record({
    amountFen: fc.nat(),
    adjustmentPct: nullable(fc.integer({ min: -10000, max: 30000 }).map((n) => n / 100)),
    factors: fc.record({
      standardization: nullable(fc.constantFrom(...STANDARDIZATION_LEVELS)),
      safetyCulture: nullable(fc.constantFrom(...SAFETY_CULTURE_LEVELS)),
      advancedUnit: nullable(fc.constantFrom(...ADVANCED_UNIT_LEVELS)),
      priorYearAccident: nullable(fc.constantFrom(...PRIOR_YEAR_ACCIDENT_LEVELS)),
    }),
  }),
  preventionFeeFen: nullable(fc.nat()),
  cancelledOn: nullable(date),
});

const serviceRecord: fc.Arbitrary<ServiceRecord> = fc.record({
  serviceId: token,
  insurer,
  action: fc.constantFrom(...SERVICE_ACTIONS),
  version: fc.integer({ min: 1, max: 1000 }),
  policyNo: nullable(token),
  enterprise,
  item: fc.constantFrom(...SERVICE_ITEMS),
  form: fc.constantFrom(...SERVICE_FORMS),
  provider: fc.record({ kind: fc.constantFrom('insurer', 'third_party'), name: text(20), uscc: nullable(uscc) }),
  staff: fc.array(fc.record({ name: text(8), certificateNo: nullable(token) }), { maxLength: 5 }),
  startedAt: dateTime,
  endedAt: dateTime,
  location: nullable(text(30)),
  summary: nullable(text(30)),
  hazardsFound: fc.nat(),
  costFen: nullable(fc.nat()),
  revisit: nullable(fc.record({ at: dateTime, satisfied: nullable(fc.boolean()), note: nullable(text(20)) })),
});

const hazardRecord: fc.Arbitrary<HazardRecord> = fc.record({
  hazardId: token,
  insurer,
  action: fc.constantFrom(...HAZARD_ACTIONS),
  version: fc.integer({ min: 1, max: 1000 }),
  serviceId: nullable(token),
  policyNo: nullable(token),
  enterprise,
  level: fc.constantFrom(...HAZARD_LEVELS),
  category: nullable(text(20)),
  description: text(40),
  discoveredAt: dateTime,
  rectifyBy: nullable(date),
  status: fc.constantFrom(...HAZARD_STATUSES),
  rectifiedAt: nullable(dateTime),
});

const accidentRecord: fc.Arbitrary<AccidentRecord> = fc.record({
  accidentId: token,
  insurer,
  action: fc.constantFrom(...ACCIDENT_ACTIONS),
  version: fc.integer({ min: 1, max: 1000 }),
  policyNo: nullable(token),
  enterprise,
  occurredAt: dateTime,
  location: nullable(text(30)),
  category: fc.constantFrom(...ACCIDENT_CATEGORIES),
  grade: fc.constantFrom(...ACCIDENT_GRADES),
  deaths: fc.nat(),
  seriousInjuries: fc.nat(),
  minorInjuries: fc.nat(),
  directLossFen: nullable(fc.nat()),
  description: text(40),
  status: fc.constantFrom(...ACCIDENT_STATUSES),
  reportedToAuthorityAt: nullable(dateTime),
});

const claimRecord: fc.Arbitrary<ClaimRecord> = fc.record({
  claimNo: token,
  insurer,
  action: fc.constantFrom(...CLAIM_ACTIONS),
  version: fc.integer({ min: 1, max: 1000 }),
  policyNo: token,
  accidentId: nullable(token),
  enterprise,
  filedAt: dateTime,
  documentsCompleteAt: nullable(dateTime),
  decidedAt: nullable(dateTime),
  decision: nullable(fc.constantFrom(...CLAIM_DECISIONS)),
  agreedAt: nullable(dateTime),
  paidAt: nullable(dateTime),
  claimedFen: fc.nat(),
  agreedFen: nullable(fc.nat()),
  paidFen: nullable(fc.nat()),
  victims: fc.nat(),
});

const anyRecord = fc.oneof(
  policyRecord.map((record) => ({ kind: 'policy' as const, record })),
  serviceRecord.map((record) => ({ kind: 'service' as const, record })),
  hazardRecord.map((record) => ({ kind: 'hazard' as const, record })),
  accidentRecord.map((record) => ({ kind: 'accident' as const, record })),
  claimRecord.map((record) => ({ kind: 'claim' as const, record })),
);
const visibility = fc.record({
  personal: fc.constantFrom('visible' as const, 'masked' as const),
  commercial: fc.constantFrom('visible' as const, 'masked' as const),
});

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const canonicalValidators = Object.fromEntries(RECORD_KINDS.map((k) => [k, ajv.compile(CANONICAL_SCHEMAS[k])]));
const viewValidators = Object.fromEntries(RECORD_KINDS.map((k) => [k, ajv.compile(VIEW_SCHEMAS[k])]));
const codePoints = (s: string) => Array.from(s);

describe('maskRecord over random canonical records', () => {
  it('produces views valid against the view schemas, without touching the input', () => {
    fc.assert(
      fc.property(anyRecord, visibility, ({ kind, record }, entitlement) => {
        expect(canonicalValidators[kind](record)).toBe(true); // the generator makes valid canonical records
        const before = structuredClone(record);
        const view = maskRecord(kind, record as never, entitlement);
        const valid = viewValidators[kind](view);
        if (!valid) throw new Error(JSON.stringify(viewValidators[kind].errors));
        expect(record).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('masks personal values character by character: same length, only the documented characters kept', () => {
    fc.assert(
      fc.property(serviceRecord, (record) => {
        const view = maskRecord('service', record, { personal: 'masked', commercial: 'visible' });
        record.staff.forEach((s, i) => {
          const name = codePoints(view.staff[i].name);
          expect(name).toHaveLength(codePoints(s.name).length);
          expect(name.slice(1).every((c) => c === '*')).toBe(true);
          if (name.length > 1) expect(name[0]).toBe(codePoints(s.name)[0]);
          const cert = view.staff[i].certificateNo;
          if (s.certificateNo === null) expect(cert).toBeNull();
          else {
            const original = codePoints(s.certificateNo);
            const masked = codePoints(cert!);
            expect(masked).toHaveLength(original.length);
            const kept = original.length < 5 ? 0 : 2;
            expect(masked.slice(0, kept)).toEqual(original.slice(0, kept));
            expect(masked.slice(original.length - kept)).toEqual(original.slice(original.length - kept));
            expect(masked.slice(kept, original.length - kept).every((c) => c === '*')).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('changes nothing but the masked classes', () => {
    fc.assert(
      fc.property(policyRecord, visibility, (record, entitlement) => {
        const view = maskRecord('policy', record, entitlement);
        const { contact, premium, preventionFeeFen, ...rest } = view;
        const { contact: c0, premium: p0, preventionFeeFen: f0, ...rest0 } = record;
        expect(rest).toEqual(rest0);
        expect(contact).toEqual(entitlement.personal === 'visible' ? c0 : expect.anything());
        expect(premium).toEqual(
          entitlement.commercial === 'visible' ? p0 : { amountFen: null, adjustmentPct: null, factors: null },
        );
        expect(preventionFeeFen).toBe(entitlement.commercial === 'visible' ? f0 : null);
      }),
      { numRuns: 300 },
    );
  });
});
