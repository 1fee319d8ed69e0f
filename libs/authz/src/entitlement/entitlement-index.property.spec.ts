import fc from 'fast-check';
import { RECORD_KINDS, SECTORS, type RecordKind, type Sector } from '@ajx/contracts';
import { DEPARTMENT_LEVELS, type Department, type DepartmentLevel } from '../department/department.types';
import { builtInRulePacks } from '../rule-pack/built-in-rule-packs';
import { loadRulePack } from '../rule-pack/rule-pack.loader';
import type { RulePack } from '../rule-pack/rule-pack.types';
import { referenceEntitled, referenceUrgentPlan } from '../testing/entitlement.reference';
import { EntitlementIndex, urgentPlan } from './entitlement-index';
import { withdrawals, type RecordScope } from './entitlement.types';

/** Few regions, so departments collide on jurisdictions and scopes hit them. */
const REGIONS: Record<DepartmentLevel, string[]> = {
  province: ['330000', '370000', '110000'],
  city: ['330100', '330200', '370800', '110100'],
  county: ['330102', '330106', '330203', '370811', '370871', '110101'],
};
const SCOPE_REGIONS = [...REGIONS.county, '370899', '440305'];

const nonEmptySubarray = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });

/** Random valid packs: one coordinator somewhere, other kinds with random sectors, records, visibility, role. */
const randomPack: fc.Arbitrary<RulePack> = fc
  .record({
    kinds: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { minLength: 1, maxLength: 6 }),
    coordinatorAt: fc.nat(),
    rules: fc.array(
      fc.record({
        sectors: fc.oneof(fc.constant('all' as const), nonEmptySubarray(SECTORS)),
        records: nonEmptySubarray(RECORD_KINDS),
        personal: fc.constantFrom('visible', 'masked'),
        commercial: fc.constantFrom('visible', 'masked'),
        urgentRole: fc.constantFrom('sector', 'none'),
      }),
      { minLength: 6, maxLength: 6 },
    ),
  })
  .map(({ kinds, coordinatorAt, rules }) => {
    const coordinator = coordinatorAt % kinds.length;
    // The coordinator receives accidents whenever another kind does (loadRulePack's urgent-lane rule).
    const accidents = rules.some((r, i) => i !== coordinator && i < kinds.length && r.records.includes('accident'));
    return loadRulePack({
      id: 'random',
      version: 1,
      name: 'random pack',
      kinds: kinds.map((kind, i) => {
        const rule = rules[i];
        if (i === coordinator)
          return {
            ...rule,
            kind,
            name: kind,
            sectors: 'all',
            records: accidents ? ['hazard', 'accident'] : ['hazard'],
            urgentRole: 'coordinator',
          };
        const records =
          rule.urgentRole === 'sector' && !rule.records.includes('hazard') ? [...rule.records, 'hazard'] : rule.records;
        return { ...rule, kind, name: kind, records };
      }),
    });
  });

const anyPack = fc.oneof(fc.constantFrom(...builtInRulePacks()), randomPack);

function departmentsOf(pack: RulePack): fc.Arbitrary<Department[]> {
  const department = fc
    .record({
      id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,5}$/),
      kind: fc.constantFrom(...pack.kinds.map((k) => k.kind)),
      level: fc.constantFrom(...DEPARTMENT_LEVELS),
      regionIndex: fc.nat(),
    })
    .map(({ id, kind, level, regionIndex }) => ({
      id,
      name: `${id} ${kind}`,
      kind,
      level,
      regionCode: REGIONS[level][regionIndex % REGIONS[level].length],
    }));
  return fc.uniqueArray(department, { maxLength: 60, selector: (d) => d.id });
}

const scope: fc.Arbitrary<RecordScope> = fc.record({
  kind: fc.constantFrom<RecordKind>(...RECORD_KINDS),
  sector: fc.constantFrom<Sector>(...SECTORS),
  regionCode: fc.constantFrom(...SCOPE_REGIONS),
});

const world = anyPack.chain((pack) =>
  fc.record({
    pack: fc.constant(pack),
    departments: departmentsOf(pack),
    scopes: fc.array(scope, { minLength: 1, maxLength: 30 }),
  }),
);

describe('EntitlementIndex against the naive scan of every department', () => {
  it('entitled() equals the reference for random packs × departments × kinds × levels × sectors × regions', () => {
    fc.assert(
      fc.property(world, ({ pack, departments, scopes }) => {
        const index = new EntitlementIndex(pack, departments);
        for (const s of scopes) expect(index.entitled(s)).toEqual(referenceEntitled(pack, departments, s));
      }),
      { numRuns: 400 },
    );
  });

  it('urgentPlan() equals the reference, and everyone it notifies is entitled to the record (hazard, accident)', () => {
    fc.assert(
      fc.property(world, ({ pack, departments, scopes }) => {
        const index = new EntitlementIndex(pack, departments);
        for (const s of scopes) {
          const plan = urgentPlan(s, index);
          expect(plan).toEqual(referenceUrgentPlan(pack, departments, s));
          if (s.kind === 'hazard')
            expect(urgentPlan({ regionCode: s.regionCode, sector: s.sector }, index)).toEqual(plan);
          const entitled = new Set(index.entitled(s).map((e) => e.departmentId));
          for (const id of [...plan.county, ...plan.city, ...plan.province]) expect(entitled.has(id)).toBe(true);
          // Coordinator departments over the region are always notified of hazards, and of accidents when anyone
          // receives accidents.
          if (s.kind !== 'hazard' && s.kind !== 'accident') continue;
          if (s.kind === 'accident' && !pack.kinds.some((k) => k.records.includes('accident'))) continue;
          const coordinatorKinds = pack.kinds.filter((k) => k.urgentRole === 'coordinator').map((k) => k.kind);
          const countyCoordinators = departments.filter(
            (d) => d.level === 'county' && d.regionCode === s.regionCode && coordinatorKinds.includes(d.kind),
          );
          for (const d of countyCoordinators) expect(plan.county).toContain(d.id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('withdrawals() are exactly the departments entitled before and not after', () => {
    fc.assert(
      fc.property(world, scope, ({ pack, departments, scopes }, after) => {
        const index = new EntitlementIndex(pack, departments);
        const before = index.entitled(scopes[0]);
        const now = index.entitled({ ...after, kind: scopes[0].kind });
        const lost = withdrawals(before, now);
        const expected = before.map((e) => e.departmentId).filter((id) => !now.some((e) => e.departmentId === id));
        expect(lost).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
