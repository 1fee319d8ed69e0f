import type { Department } from '../department/department.types';
import { DepartmentError } from '../department/department.validator';
import { builtInRulePack } from '../rule-pack/built-in-rule-packs';
import { entitlementMatrix } from '../testing/entitlement-matrix.fixture';
import { EntitlementIndex, grantOf, urgentPlan } from './entitlement-index';
import { scopeOf, withdrawals, type Entitlement } from './entitlement.types';

const defaultPack = builtInRulePack('default', 1);
const jiningPack = builtInRulePack('jining', 1);
const defaults = new EntitlementIndex(defaultPack, entitlementMatrix(defaultPack).departments);
const defaultV2Pack = builtInRulePack('default', 2);
const defaultsV2 = new EntitlementIndex(defaultV2Pack, entitlementMatrix(defaultV2Pack).departments);
const jining = new EntitlementIndex(jiningPack, entitlementMatrix(jiningPack).departments);

const ids = (list: readonly Entitlement[]) => list.map((e) => e.departmentId);
const atLevels = (regions: string[], kinds: string[]) => regions.flatMap((r) => kinds.map((k) => `${r}-${k}`)).sort();
const ZJ_ALL_LEVELS = ['330000', '330100', '330102'];

describe('EntitlementIndex.entitled (default pack)', () => {
  it('gives a policy to the sector department, emergency and the financial regulator over its county', () => {
    const result = defaults.entitled({ kind: 'policy', regionCode: '330102', sector: 'construction' });
    expect(ids(result)).toEqual(atLevels(ZJ_ALL_LEVELS, ['construction', 'emergency', 'financial_regulator']));
    const byKind = (id: string) => result.find((e) => e.departmentId === id);
    expect(byKind('330102-emergency')).toEqual({
      departmentId: '330102-emergency',
      personal: 'visible',
      commercial: 'visible',
    });
    expect(byKind('330100-construction')).toMatchObject({ personal: 'visible', commercial: 'masked' });
    expect(byKind('330000-financial_regulator')).toMatchObject({ personal: 'masked', commercial: 'visible' });
  });

  it('keeps hazards from the financial regulator', () => {
    const result = defaults.entitled({ kind: 'hazard', regionCode: '330102', sector: 'city_gas' });
    expect(ids(result)).toEqual(atLevels(ZJ_ALL_LEVELS, ['construction', 'emergency']));
  });

  it('covers a county through its city and province when it has no departments of its own', () => {
    expect(ids(defaults.entitled({ kind: 'service', regionCode: '330106', sector: 'fishery' }))).toEqual(
      atLevels(['330000', '330100'], ['agriculture', 'emergency', 'financial_regulator']),
    );
    expect(ids(defaults.entitled({ kind: 'service', regionCode: '330203', sector: 'fishery' }))).toEqual(
      atLevels(['330000'], ['agriculture', 'emergency', 'financial_regulator']),
    );
    expect(defaults.entitled({ kind: 'policy', regionCode: '110101', sector: 'fishery' })).toEqual([]);
  });

  it('treats a development zone as a county-level jurisdiction of its own', () => {
    const zone = ids(defaults.entitled({ kind: 'hazard', regionCode: '370871', sector: 'civil_explosives' }));
    expect(zone).toEqual(atLevels(['370000', '370800', '370871'], ['defense_industry', 'emergency']));
    const neighbour = ids(defaults.entitled({ kind: 'hazard', regionCode: '370811', sector: 'civil_explosives' }));
    expect(neighbour).toEqual(atLevels(['370000', '370800'], ['defense_industry', 'emergency']));
  });

  it('gives sectors without a department kind to emergency (and, for policies, the regulator) only', () => {
    expect(ids(defaults.entitled({ kind: 'hazard', regionCode: '330102', sector: 'hazardous_chemicals' }))).toEqual(
      atLevels(ZJ_ALL_LEVELS, ['emergency']),
    );
  });

  it('answers with the same frozen list each time (no allocation per call)', () => {
    const scope = { kind: 'policy', regionCode: '330102', sector: 'road_transport' } as const;
    const first = defaults.entitled(scope);
    expect(defaults.entitled({ ...scope })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
  });

  it('refuses scopes it cannot answer', () => {
    expect(() => defaults.entitled({ kind: 'incident', regionCode: '330102', sector: 'fishery' } as never)).toThrow(
      'unknown record kind or sector in scope {"kind":"incident","regionCode":"330102","sector":"fishery"}',
    );
    // Data standard v2 kinds are known; no rule pack entitles anyone to them yet.
    expect(defaults.entitled({ kind: 'claim', regionCode: '330102', sector: 'fishery' })).toEqual([]);
    expect(() => defaults.entitled({ kind: 'policy', regionCode: '330102', sector: 'mining' } as never)).toThrow(
      TypeError,
    );
    expect(() => defaults.entitled({ kind: 'policy', regionCode: '3301', sector: 'fishery' })).toThrow(
      'scope region must be a 6-digit code',
    );
  });
});

describe('EntitlementIndex.entitled (default@2: accidents and claims)', () => {
  it('gives accidents to emergency and the sector department, masked commercially for the latter; not the regulator', () => {
    const result = defaultsV2.entitled({ kind: 'accident', regionCode: '330102', sector: 'construction' });
    expect(ids(result)).toEqual(atLevels(ZJ_ALL_LEVELS, ['construction', 'emergency']));
    expect(result.find((e) => e.departmentId === '330102-construction')).toMatchObject({ commercial: 'masked' });
    // The regulator still has no accidents under v1's pack, which gives nobody accidents or claims.
    expect(defaults.entitled({ kind: 'accident', regionCode: '330102', sector: 'construction' })).toEqual([]);
    expect(defaults.entitled({ kind: 'claim', regionCode: '330102', sector: 'construction' })).toEqual([]);
  });

  it('gives claims to emergency, the sector department and the financial regulator (amounts visible to it)', () => {
    const result = defaultsV2.entitled({ kind: 'claim', regionCode: '330102', sector: 'construction' });
    expect(ids(result)).toEqual(atLevels(ZJ_ALL_LEVELS, ['construction', 'emergency', 'financial_regulator']));
    expect(result.find((e) => e.departmentId === '330100-financial_regulator')).toMatchObject({
      personal: 'masked',
      commercial: 'visible',
    });
    // Another sector's claims are not the construction department's.
    expect(
      ids(defaultsV2.entitled({ kind: 'claim', regionCode: '330102', sector: 'road_transport' })).some((id) =>
        id.endsWith('-construction'),
      ),
    ).toBe(false);
  });
});

describe('EntitlementIndex.entitled (jining pack)', () => {
  it('routes water transport to 港航 and road transport to 交通', () => {
    expect(ids(jining.entitled({ kind: 'policy', regionCode: '370871', sector: 'water_transport' }))).toEqual(
      atLevels(['370000', '370800', '370871'], ['emergency', 'financial_regulator', 'port_navigation']),
    );
    expect(ids(jining.entitled({ kind: 'hazard', regionCode: '370871', sector: 'road_transport' }))).toEqual(
      atLevels(['370000', '370800', '370871'], ['emergency', 'transport']),
    );
  });

  it('routes coal mines to 煤炭 and machinery, building materials to 经信', () => {
    const hazard = (sector: 'coal_mining' | 'machinery' | 'building_materials') =>
      ids(jining.entitled({ kind: 'hazard', regionCode: '370871', sector }));
    expect(hazard('coal_mining')).toEqual(atLevels(['370000', '370800', '370871'], ['coal_industry', 'emergency']));
    expect(hazard('machinery')).toEqual(atLevels(['370000', '370800', '370871'], ['economy_it', 'emergency']));
    expect(hazard('building_materials')).toEqual(hazard('machinery'));
  });
});

describe('EntitlementIndex construction', () => {
  const valid: Department = {
    id: 'd1',
    name: '上城区应急管理局',
    kind: 'emergency',
    level: 'county',
    regionCode: '330102',
  };

  it('refuses invalid or duplicate departments, listing every problem', () => {
    const departments: Department[] = [
      valid,
      { ...valid, name: '另一个' },
      { ...valid, id: 'd2', kind: 'coal_industry' },
      { ...valid, id: 'd3', regionCode: '330100' },
    ];
    let error: unknown;
    try {
      new EntitlementIndex(defaultPack, departments);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DepartmentError);
    expect((error as DepartmentError).problems).toEqual([
      "department 'd1': duplicate id",
      expect.stringContaining('department \'d2\': kind "coal_industry" is not defined by rule pack default@1'),
      "department 'd3': regionCode 330100 is a city-level code but level is county (a county code is not ending in 00)",
    ]);
  });

  it('does not keep a reference to the caller’s department objects', () => {
    const d = { ...valid };
    const index = new EntitlementIndex(defaultPack, [d]);
    d.regionCode = '330106';
    expect(ids(index.entitled({ kind: 'policy', regionCode: '330102', sector: 'other' }))).toEqual(['d1']);
    expect(index.department('d1')).toEqual(valid);
    expect(index.size).toBe(1);
  });

  it('works with no departments at all', () => {
    const empty = new EntitlementIndex(defaultPack, []);
    expect(empty.entitled({ kind: 'policy', regionCode: '330102', sector: 'other' })).toEqual([]);
    expect(urgentPlan({ regionCode: '330102', sector: 'other' }, empty)).toEqual({
      county: [],
      city: [],
      province: [],
    });
  });
});

describe('grants', () => {
  it('describe what a department receives, as filters', () => {
    expect(defaults.grant('330100-construction')).toEqual({
      departmentId: '330100-construction',
      kind: 'construction',
      level: 'city',
      regionCode: '330100',
      regionPrefix: '3301',
      records: ['policy', 'service', 'hazard'],
      sectors: ['construction', 'city_gas'],
      allSectors: false,
      personal: 'visible',
      commercial: 'masked',
      urgentRole: 'sector',
    });
    expect(defaults.grant('nobody')).toBeUndefined();
    const regulator = {
      id: 'r',
      name: '浙江省金融监管局',
      kind: 'financial_regulator',
      level: 'province',
      regionCode: '330000',
    } as const;
    expect(grantOf(defaultPack, regulator)).toMatchObject({ regionPrefix: '33', allSectors: true, urgentRole: 'none' });
    expect(() => grantOf(jiningPack, { ...regulator, kind: 'agriculture' })).toThrow(
      "kind 'agriculture' is not defined by rule pack jining@1",
    );
  });
});

describe('withdrawals', () => {
  it('are the departments that lose a record when it moves to another region or sector', () => {
    const before = defaults.entitled({ kind: 'policy', regionCode: '330102', sector: 'construction' });
    const moved = defaults.entitled({ kind: 'policy', regionCode: '330106', sector: 'construction' });
    expect(withdrawals(before, moved)).toEqual([
      '330102-construction',
      '330102-emergency',
      '330102-financial_regulator',
    ]);
    const otherSector = defaults.entitled({ kind: 'policy', regionCode: '330102', sector: 'fishery' });
    expect(withdrawals(before, otherSector)).toEqual(atLevels(ZJ_ALL_LEVELS, ['construction']));
    expect(withdrawals(before, before)).toEqual([]);
    expect(withdrawals([], before)).toEqual([]);
  });
});

describe('scopeOf', () => {
  it('reads kind, region and sector off a canonical record', () => {
    const enterprise = { uscc: '91330102MA2XXXXX1X', name: '甲', regionCode: '330102', sector: 'fishery' } as const;
    expect(scopeOf('hazard', { enterprise } as never)).toEqual({
      kind: 'hazard',
      regionCode: '330102',
      sector: 'fishery',
    });
  });
});

describe('urgentPlan', () => {
  it('notifies the sector department and emergency of the county, then city, then province', () => {
    expect(urgentPlan({ regionCode: '330102', sector: 'construction' }, defaults)).toEqual({
      county: ['330102-construction', '330102-emergency'],
      city: ['330100-construction', '330100-emergency'],
      province: ['330000-construction', '330000-emergency'],
    });
    expect(urgentPlan({ regionCode: '370871', sector: 'fishery' }, defaults)).toEqual({
      county: ['370871-agriculture', '370871-emergency'],
      city: ['370800-agriculture', '370800-emergency'],
      province: ['370000-agriculture', '370000-emergency'],
    });
  });

  it('notifies emergency alone where the sector has no department kind', () => {
    expect(urgentPlan({ regionCode: '330102', sector: 'hazardous_chemicals' }, defaults)).toEqual({
      county: ['330102-emergency'],
      city: ['330100-emergency'],
      province: ['330000-emergency'],
    });
    // 电厂 has no industry department in Jining's pack.
    expect(urgentPlan({ regionCode: '370871', sector: 'power' }, jining).county).toEqual(['370871-emergency']);
  });

  it('has an empty county tier where no county department is registered (escalate at once)', () => {
    expect(urgentPlan({ regionCode: '330106', sector: 'road_transport' }, defaults)).toEqual({
      county: [],
      city: ['330100-emergency', '330100-transport'],
      province: ['330000-emergency', '330000-transport'],
    });
    expect(urgentPlan({ regionCode: '110101', sector: 'road_transport' }, defaults)).toEqual({
      county: [],
      city: [],
      province: [],
    });
  });

  it('follows the pack: 民爆 is 国防科工 by default and 经信 in Jining; water transport is 港航 there', () => {
    expect(urgentPlan({ regionCode: '370871', sector: 'civil_explosives' }, defaults).county).toEqual([
      '370871-defense_industry',
      '370871-emergency',
    ]);
    expect(urgentPlan({ regionCode: '370871', sector: 'civil_explosives' }, jining).county).toEqual([
      '370871-economy_it',
      '370871-emergency',
    ]);
    expect(urgentPlan({ regionCode: '370871', sector: 'water_transport' }, jining).city).toEqual([
      '370800-emergency',
      '370800-port_navigation',
    ]);
  });

  it('carries urgent accidents like major hazards, to the departments that receive accidents', () => {
    expect(urgentPlan({ kind: 'accident', regionCode: '330102', sector: 'construction' }, defaultsV2)).toEqual(
      urgentPlan({ regionCode: '330102', sector: 'construction' }, defaultsV2),
    );
    expect(urgentPlan({ kind: 'accident', regionCode: '330106', sector: 'hazardous_chemicals' }, defaultsV2)).toEqual({
      county: [],
      city: ['330100-emergency'],
      province: ['330000-emergency'],
    });
    // Under a pack that gives nobody accidents, nobody is in an accident's lane.
    expect(urgentPlan({ kind: 'accident', regionCode: '330102', sector: 'construction' }, defaults)).toEqual({
      county: [],
      city: [],
      province: [],
    });
  });

  it('never includes kinds without an urgent role (the financial regulator)', () => {
    const plan = urgentPlan({ regionCode: '330102', sector: 'other' }, defaults);
    expect([...plan.county, ...plan.city, ...plan.province].some((id) => id.includes('financial'))).toBe(false);
  });

  it('starts at the city in a city without counties (东莞 441900)', () => {
    const dongguan = new EntitlementIndex(defaultPack, [
      { id: 'dg-emergency', name: '东莞市应急管理局', kind: 'emergency', level: 'city', regionCode: '441900' },
      { id: 'gd-emergency', name: '广东省应急管理厅', kind: 'emergency', level: 'province', regionCode: '440000' },
    ]);
    expect(urgentPlan({ regionCode: '441900', sector: 'other' }, dongguan)).toEqual({
      county: [],
      city: ['dg-emergency'],
      province: ['gd-emergency'],
    });
    expect(ids(dongguan.entitled({ kind: 'hazard', regionCode: '441900', sector: 'other' }))).toEqual([
      'dg-emergency',
      'gd-emergency',
    ]);
  });

  it('refuses unknown sectors and malformed regions', () => {
    expect(() => urgentPlan({ regionCode: '330102', sector: 'mining' as never }, defaults)).toThrow(
      'unknown record kind or sector in scope',
    );
    expect(() => urgentPlan({ kind: 'finding' as never, regionCode: '330102', sector: 'other' }, defaults)).toThrow(
      'unknown record kind or sector in scope',
    );
    expect(() => urgentPlan({ regionCode: 'x', sector: 'other' }, defaults)).toThrow('6-digit');
  });
});
