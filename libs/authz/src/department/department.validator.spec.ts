import { builtInRulePack } from '../rule-pack/built-in-rule-packs';
import type { Department } from './department.types';
import { validateDepartment } from './department.validator';
import { inJurisdiction, jurisdictionPrefix, levelOfRegionCode } from './jurisdiction';

const pack = builtInRulePack('default', 1);
const jining = builtInRulePack('jining', 1);
const dept = (over: Partial<Department> = {}): Department => ({
  id: 'zj-hz-sc-construction',
  name: '杭州市上城区住房和城乡建设局',
  kind: 'construction',
  level: 'county',
  regionCode: '330102',
  ...over,
});

describe('validateDepartment', () => {
  it('accepts departments at each level', () => {
    expect(validateDepartment(dept(), pack)).toEqual([]);
    expect(validateDepartment(dept({ level: 'city', regionCode: '330100' }), pack)).toEqual([]);
    expect(validateDepartment(dept({ level: 'province', regionCode: '330000' }), pack)).toEqual([]);
  });

  it('accepts a development zone with a county-level code of its own (济宁高新区)', () => {
    expect(validateDepartment(dept({ kind: 'coal_industry', regionCode: '370871' }), jining)).toEqual([]);
  });

  it('requires the kind to exist in the pack', () => {
    expect(validateDepartment(dept({ kind: 'coal_industry' }), pack)).toEqual([
      'kind "coal_industry" is not defined by rule pack default@1 (kinds: emergency, construction, transport, ' +
        'agriculture, defense_industry, financial_regulator)',
    ]);
  });

  it.each([
    [
      'county',
      '330100',
      'regionCode 330100 is a city-level code but level is county (a county code is not ending in 00)',
    ],
    ['county', '330000', 'regionCode 330000 is a province-level code but level is county'],
    ['city', '330102', 'regionCode 330102 is a county-level code but level is city (a city code is xxxx00)'],
    ['city', '330000', 'regionCode 330000 is a province-level code but level is city'],
    ['province', '330100', 'regionCode 330100 is a city-level code but level is province (a province code is xx0000)'],
  ] as const)('requires a %s code to look like one (%s)', (level, regionCode, message) => {
    const problems = validateDepartment(dept({ level, regionCode }), pack);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each(['33010', '3301022', '33O102', '', ' 330102'])('requires 6 digits (%j)', (regionCode) => {
    expect(validateDepartment(dept({ regionCode }), pack)).toEqual([
      `regionCode must be a 6-digit GB/T 2260 code, not ${JSON.stringify(regionCode)}`,
    ]);
  });

  it('asks regionExists about the code when given', () => {
    const asked: string[] = [];
    const exists = (code: string) => (asked.push(code), code !== '330199');
    expect(validateDepartment(dept({ regionCode: '330199' }), pack, exists)).toEqual([
      'regionCode 330199 is not a known region',
    ]);
    expect(validateDepartment(dept(), pack, exists)).toEqual([]);
    expect(asked).toEqual(['330199', '330102']);
  });

  it('requires a name, an id token and a known level, reporting everything', () => {
    const bad = { id: 'a b', name: ' ', kind: 'construction', level: 'district', regionCode: '330102' };
    expect(validateDepartment(bad as unknown as Department, pack)).toEqual([
      "id must be 1–64 letters, digits, '.', '_', ':' or '-' (not starting with a symbol)",
      'name is empty',
      'level must be one of province, city, county, not "district"',
    ]);
    expect(validateDepartment(dept({ name: '局'.repeat(201) }), pack)).toEqual(['name is longer than 200 characters']);
    expect(validateDepartment(dept({ name: '𠀋'.repeat(200) }), pack)).toEqual([]);
  });

  it('survives input that is not shaped like a department at all', () => {
    expect(validateDepartment({} as Department, pack)).toHaveLength(5);
  });
});

describe('jurisdiction', () => {
  it('is the region subtree at the department level', () => {
    expect(jurisdictionPrefix('province', '330000')).toBe('33');
    expect(jurisdictionPrefix('city', '330100')).toBe('3301');
    expect(jurisdictionPrefix('county', '330102')).toBe('330102');
    const city = { level: 'city', regionCode: '370800' } as const;
    expect(inJurisdiction(city, '370811')).toBe(true);
    expect(inJurisdiction(city, '370871')).toBe(true);
    expect(inJurisdiction(city, '370102')).toBe(false);
    const county = { level: 'county', regionCode: '370871' } as const;
    expect(inJurisdiction(county, '370871')).toBe(true);
    expect(inJurisdiction(county, '370811')).toBe(false);
    expect(inJurisdiction({ level: 'province', regionCode: '370000' }, '330102')).toBe(false);
  });

  it('reads the level off a code', () => {
    expect(levelOfRegionCode('330000')).toBe('province');
    expect(levelOfRegionCode('330100')).toBe('city');
    expect(levelOfRegionCode('330102')).toBe('county');
    // 东莞 has no counties: its county-level code is the city's.
    expect(levelOfRegionCode('441900')).toBe('city');
  });
});
