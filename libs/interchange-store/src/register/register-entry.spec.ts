import { parseRegisterLine, type RegisterScope } from './register-entry';

const province: RegisterScope = { regionPrefix: '33', sectors: null, label: 'province 33' };
const construction: RegisterScope = {
  regionPrefix: '3301',
  sectors: ['construction', 'city_gas'],
  label: 'the jurisdiction 3301 of hz-construction',
};
const entry = { uscc: '9133010600000000B2', name: ' 杭州西湖燃气有限公司 ', regionCode: '330106', sector: 'city_gas' };

describe('must-insure register lines', () => {
  it('reads a valid entry (optional fields null when absent)', () => {
    expect(parseRegisterLine(JSON.stringify(entry), province)).toEqual({
      ok: true,
      entry: {
        uscc: '9133010600000000B2',
        name: '杭州西湖燃气有限公司',
        regionCode: '330106',
        sector: 'city_gas',
        industryCode: null,
        employeeCount: null,
        address: null,
        note: null,
        alternative: null,
      },
    });
    const full = { ...entry, industryCode: 'D4500', employeeCount: 12, address: '西湖区文三路 1 号', note: '新设' };
    expect(parseRegisterLine(JSON.stringify(full), construction)).toMatchObject({
      ok: true,
      entry: { industryCode: 'D4500', employeeCount: 12, address: '西湖区文三路 1 号', note: '新设' },
    });
  });

  it('reads the alternative to insurance: risk_deposit or null', () => {
    const read = (alternative: unknown) => parseRegisterLine(JSON.stringify({ ...entry, alternative }), province);
    expect(read('risk_deposit')).toMatchObject({ ok: true, entry: { alternative: 'risk_deposit' } });
    expect(read(null)).toMatchObject({ ok: true, entry: { alternative: null } });
    for (const other of ['deposit', 'RISK_DEPOSIT', '', true, 1, ['risk_deposit']])
      expect(read(other)).toEqual({
        ok: false,
        problems: [{ field: 'alternative', message: `must be "risk_deposit" or null, got ${JSON.stringify(other)}` }],
      });
  });

  it('names every problem of a line', () => {
    const problems = (o: unknown, scope = province) => {
      const r = parseRegisterLine(typeof o === 'string' ? o : JSON.stringify(o), scope);
      return r.ok ? [] : r.problems;
    };
    expect(problems('[1]')).toEqual([{ field: '', message: 'is not a JSON object' }]);
    expect(problems('{')).toEqual([{ field: '', message: 'is not a JSON object' }]);
    expect(problems({ ...entry, uscc: '9133010600000000b2' })).toEqual([
      { field: 'uscc', message: 'must be 18 upper-case characters of the GB 32100 alphabet' },
    ]);
    expect(problems({ ...entry, uscc: '9133010600000000B3' })).toEqual([
      { field: 'uscc', message: '9133010600000000B3 has a wrong check character (expected 2)' },
    ]);
    expect(problems({ ...entry, regionCode: '3301' })[0]).toEqual({
      field: 'regionCode',
      message: 'must be a six-digit GB/T 2260 code',
    });
    expect(problems({ ...entry, regionCode: '330100' })[0].message).toBe('330100 is not a current county-level code');
    expect(problems({ ...entry, regionCode: '370883' })[0].message).toBe('370883 is outside province 33');
    expect(problems({ ...entry, sector: 'fireworks' }, construction)).toEqual([
      {
        field: 'sector',
        message: 'fireworks is outside the jurisdiction 3301 of hz-construction (construction, city_gas)',
      },
    ]);
    expect(
      problems({ ...entry, name: '', sector: 'gas', industryCode: 'X1', employeeCount: -1, note: '', extra: true }).map(
        (p) => p.field,
      ),
    ).toEqual(['extra', 'name', 'sector', 'industryCode', 'employeeCount', 'note']);
  });
});
