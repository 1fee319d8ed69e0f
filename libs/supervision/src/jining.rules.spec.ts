import { USCC, accident, policy, run, service, zhejiang } from './testing/supervision.fixture';

describe('RENEWAL_INSURER_CHANGED (jining 七(八))', () => {
  const before = policy({ policyNo: 'OLD', insurer: 'DADI', coverage: { start: '2023-01-01', end: '2023-12-31' } });
  const renewal = policy({ policyNo: 'NEW', coverage: { start: '2024-01-01', end: '2024-12-31' } });

  it('fires when the predecessor is another insurer’s, attributed to the renewing insurer', () => {
    const r = run('2024-06-30', [before, renewal]);
    expect(r.of('RENEWAL_INSURER_CHANGED')).toEqual([
      expect.objectContaining({
        key: 'PICC/NEW',
        insurer: 'PICC',
        facts: { previousInsurer: 'DADI', previousPolicyNo: 'OLD' },
      }),
    ]);
  });

  it('does not fire when the same insurer renews or when there is a gap of a day', () => {
    expect(run('2024-06-30', [{ ...before, insurer: 'PICC' }, renewal]).of('RENEWAL_INSURER_CHANGED')).toEqual([]);
    const gap = { ...renewal, coverage: { ...renewal.coverage, start: '2024-01-02' } };
    expect(run('2024-06-30', [before, gap]).of('RENEWAL_INSURER_CHANGED')).toEqual([]);
  });

  it('the predecessor is the policy with the latest end (ties: the smaller insurer/policyNo)', () => {
    // LONG (PICC) overlaps OLD (DADI) and ends later: NEW's predecessor is LONG (same insurer), LONG's is OLD
    const longer = policy({ policyNo: 'LONG', coverage: { start: '2023-03-01', end: '2024-02-28' } });
    expect(
      run('2024-06-30', [before, longer, renewal])
        .of('RENEWAL_INSURER_CHANGED')
        .map((f) => f.key),
    ).toEqual(['PICC/LONG']);
    const tie = policy({ policyNo: 'TIE', insurer: 'CPIC', coverage: { start: '2023-02-01', end: '2023-12-31' } });
    const r = run('2024-06-30', [before, tie, renewal]);
    expect(r.of('RENEWAL_INSURER_CHANGED').map((f) => [f.key, f.facts])).toEqual([
      ['CPIC/TIE', { previousInsurer: 'DADI', previousPolicyNo: 'OLD' }],
      ['PICC/NEW', { previousInsurer: 'CPIC', previousPolicyNo: 'TIE' }], // CPIC/TIE < DADI/OLD
    ]);
  });

  it('looks at recent policies only (end ≥ asOf − 365), and only in the jurisdiction', () => {
    expect(run('2026-01-01', [before, renewal]).of('RENEWAL_INSURER_CHANGED')).toEqual([]);
    expect(run('2025-12-31', [before, renewal]).of('RENEWAL_INSURER_CHANGED')).toHaveLength(1);
    expect(run('2024-06-30', [before, renewal], [], zhejiang()).of('RENEWAL_INSURER_CHANGED')).toEqual([]);
  });
});

describe('OUT_OF_TERRITORY (jining 三)', () => {
  const at = (insurer: string, regionCode: string, sector: string) =>
    policy({ insurer, enterprise: { regionCode, sector: sector as never } });

  it('fires for an insurer not allowed in the county, listing the allowed insurers sorted', () => {
    const r = run('2024-06-30', [at('CPIC', '370811', 'building_materials')]);
    expect(r.of('OUT_OF_TERRITORY')).toEqual([
      expect.objectContaining({
        key: 'CPIC/PICCAZ2024000001',
        insurer: 'CPIC',
        facts: { county: '370811', sector: 'building_materials', allowed: ['DADI', 'PICC'] },
        message:
          '保单 PICCAZ2024000001 的承保公司 CPIC 不在 370811 任城区(含原市中区、北湖新区) 建材行业的承保范围内(可承保:DADI、PICC)',
      }),
    ]);
  });

  it('does not fire for the county’s insurers or the sectors open city-wide', () => {
    expect(run('2024-06-30', [at('DADI', '370811', 'fireworks')]).of('OUT_OF_TERRITORY')).toEqual([]);
    expect(run('2024-06-30', [at('PINGAN', '370828', 'machinery')]).of('OUT_OF_TERRITORY')).toEqual([]);
    expect(run('2024-06-30', [at('CPIC', '370827', 'construction')]).of('OUT_OF_TERRITORY')).toEqual([]);
  });

  it('adds the insurers allowed city-wide for the sector to the county’s', () => {
    expect(run('2024-06-30', [at('PICC', '370812', 'construction')]).factsOf('OUT_OF_TERRITORY')).toEqual({
      county: '370812',
      sector: 'construction',
      allowed: ['CPIC', 'DADI'],
    });
  });

  it('does not check counties outside the table or outside the jurisdiction', () => {
    expect(run('2024-06-30', [at('CPIC', '370802', 'fireworks')]).of('OUT_OF_TERRITORY')).toEqual([]);
    expect(run('2024-06-30', [at('CPIC', '330106', 'fireworks')]).of('OUT_OF_TERRITORY')).toEqual([]);
  });
});

describe('rates (jining 四(二))', () => {
  const rated = (adjustmentPct: number | null, factors: Record<string, string | null>) =>
    policy({ premium: { adjustmentPct, factors } });
  const none = { standardization: 'none', safetyCulture: 'none', advancedUnit: 'none', priorYearAccident: 'general' };

  it('RATE_MISMATCH fires when the reported adjustment differs from the sum of the terms, with the terms', () => {
    const r = run('2024-06-30', [rated(-20, { ...none, standardization: 'level2', priorYearAccident: 'larger' })]);
    expect(r.of('RATE_MISMATCH')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: {
          reported: -20,
          expected: 20,
          terms: { standardization: -10, safetyCulture: 0, advancedUnit: 0, priorYearAccident: 30 },
        },
        message: '保单 PICCAZ2024000001 费率浮动 -20%,按浮动费率标准应为 +20%',
      }),
    ]);
    expect(run('2024-06-30', [rated(10, none)]).of('RATE_MISMATCH')).toEqual([]);
  });

  it('caps the expected decrease at −30 (累计降幅不超过30%)', () => {
    const best = {
      standardization: 'level1',
      safetyCulture: 'national',
      advancedUnit: 'province',
      priorYearAccident: 'none',
    };
    expect(run('2024-06-30', [rated(-30, best)]).findings).toEqual([]);
    expect(run('2024-06-30', [rated(-50, best)]).factsOf('RATE_MISMATCH')).toMatchObject({ expected: -30 });
  });

  it('compares to the hundredth', () => {
    const ten = { ...none, priorYearAccident: 'none' }; // −10
    expect(run('2024-06-30', [rated(-10.004, ten)]).of('RATE_MISMATCH')).toEqual([]);
    expect(run('2024-06-30', [rated(-10.01, ten)]).factsOf('RATE_MISMATCH')).toMatchObject({ reported: -10.01 });
  });

  it('RATE_BELOW_FLOOR fires below −30 whether or not the factors are known; both fire on −33 expected −30', () => {
    const best = {
      standardization: 'level1',
      safetyCulture: 'national',
      advancedUnit: 'province',
      priorYearAccident: 'none',
    };
    const r = run('2024-06-30', [rated(-33, best)]);
    expect(r.findings.map((f) => f.rule)).toEqual(['RATE_BELOW_FLOOR', 'RATE_MISMATCH']);
    expect(r.factsOf('RATE_BELOW_FLOOR')).toEqual({ reported: -33, floor: -30 });
    const unknown = { standardization: null, safetyCulture: null, advancedUnit: null, priorYearAccident: null };
    expect(run('2024-06-30', [rated(-30.5, unknown)]).findings.map((f) => f.rule)).toEqual([
      'RATE_BELOW_FLOOR',
      'RATE_UNVERIFIABLE',
    ]);
    expect(run('2024-06-30', [rated(-30, unknown)]).of('RATE_BELOW_FLOOR')).toEqual([]);
  });

  it('RATE_UNVERIFIABLE (info) lists adjustmentPct first, then the null factors in the standard order', () => {
    const r = run('2024-06-30', [rated(null, { ...none, advancedUnit: null, standardization: null })]);
    expect(r.of('RATE_UNVERIFIABLE')).toEqual([
      expect.objectContaining({
        severity: 'info',
        facts: { missing: ['adjustmentPct', 'standardization', 'advancedUnit'] },
      }),
    ]);
    expect(r.of('RATE_MISMATCH')).toEqual([]);
  });

  it('apply to recent policies of the jurisdiction only', () => {
    const old = policy({ coverage: { start: '2022-01-01', end: '2022-12-31' }, premium: { adjustmentPct: -40 } });
    expect(run('2023-12-31', [old]).of('RATE_BELOW_FLOOR')).toHaveLength(1);
    expect(run('2024-01-01', [old]).of('RATE_BELOW_FLOOR')).toEqual([]);
    expect(run('2022-06-30', [old], [], zhejiang()).findings).toEqual([]);
  });
});

describe('FEE_UNDER_ACCRUED (jining 七(七): 5 % of the premium)', () => {
  const fee = (amountFen: number, preventionFeeFen: number | null) =>
    policy({ premium: { amountFen }, preventionFeeFen });

  it('requires floor((premium × 500 + 5000) / 10000): half up in integers', () => {
    expect(run('2024-06-30', [fee(110, 5)]).factsOf('FEE_UNDER_ACCRUED')).toEqual({ reported: 5, required: 6 });
    expect(run('2024-06-30', [fee(110, 6)]).of('FEE_UNDER_ACCRUED')).toEqual([]);
    expect(run('2024-06-30', [fee(109, 5)]).of('FEE_UNDER_ACCRUED')).toEqual([]);
  });

  it('fires with reported null when the fee is not reported', () => {
    const r = run('2024-06-30', [fee(41_766_900, null)]);
    expect(r.of('FEE_UNDER_ACCRUED')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { reported: null, required: 2_088_345 },
        message: '保单 PICCAZ2024000001 未报送防灾防损费用,应提 20883.45 元(保费的 5%)',
      }),
    ]);
  });
});

describe('SERVICE_MISSING (jining 七(十))', () => {
  const ended = policy({ coverage: { start: '2023-01-01', end: '2023-12-31' } });
  const done = (item: 'training' | 'risk_assessment', endedAt: string, over: object = {}) =>
    service({ serviceId: `${item}-${endedAt}`, item, endedAt, ...over });

  it('does not fire when both items were served by the same insurer within the policy year', () => {
    const r = run('2024-06-30', [
      ended,
      done('training', '2023-01-01T09:00:00+08:00'),
      done('risk_assessment', '2023-12-31T23:59:59+08:00'),
    ]);
    expect(r.of('SERVICE_MISSING')).toEqual([]);
  });

  it('fires with the missing items (sorted), start and end', () => {
    const r = run('2024-06-30', [ended, done('training', '2023-05-01T09:00:00+08:00')]);
    expect(r.of('SERVICE_MISSING')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { missingItems: ['risk_assessment'], start: '2023-01-01', end: '2023-12-31' },
      }),
    ]);
    expect(run('2024-06-30', [ended]).factsOf('SERVICE_MISSING')).toMatchObject({
      missingItems: ['risk_assessment', 'training'],
    });
  });

  it('does not count services outside [start, end], of another insurer, or revoked', () => {
    const r = run('2024-06-30', [
      ended,
      done('training', '2024-01-01T00:00:00+08:00'),
      done('risk_assessment', '2023-06-01T10:00:00+08:00', { insurer: 'DADI' }),
      done('risk_assessment', '2023-07-01T10:00:00+08:00', { action: 'revoked', version: 2 }),
    ]);
    expect(r.factsOf('SERVICE_MISSING')).toMatchObject({ missingItems: ['risk_assessment', 'training'] });
  });

  it('counts services by enterprise and insurer, whatever their policyNo', () => {
    const other = policy({ policyNo: 'OTHER', coverage: { start: '2023-01-01', end: '2023-12-31' } });
    const r = run('2024-06-30', [
      ended,
      other,
      done('training', '2023-05-01T09:00:00+08:00'),
      done('risk_assessment', '2023-06-01T09:00:00+08:00'),
    ]);
    expect(r.of('SERVICE_MISSING')).toEqual([]);
  });

  it('only for policies that ended before asOf and were not cancelled before their end', () => {
    expect(run('2023-12-31', [ended]).of('SERVICE_MISSING')).toEqual([]);
    expect(run('2024-01-01', [ended]).of('SERVICE_MISSING')).toHaveLength(1);
    expect(run('2024-06-30', [{ ...ended, cancelledOn: '2023-12-30' }]).of('SERVICE_MISSING')).toEqual([]);
    expect(run('2024-06-30', [{ ...ended, cancelledOn: '2023-12-31' }]).of('SERVICE_MISSING')).toHaveLength(1);
  });
});

describe('ACCIDENT_FACTOR_UNDERSTATED (jining, data standard v2)', () => {
  const p = policy({ coverage: { start: '2024-01-01', end: '2024-12-31' } }); // declares priorYearAccident none
  const at = (occurredAt: string, over: object = {}) =>
    accident({ accidentId: occurredAt.slice(0, 10), occurredAt, ...over });

  it('counts an accident exactly 365 days before the start, not 366 days before nor on the start', () => {
    expect(run('2024-06-30', [p, at('2023-01-01T08:00:00+08:00')]).factsOf('ACCIDENT_FACTOR_UNDERSTATED')).toEqual({
      declared: 'none',
      worst: 'general',
      accident: 'PICC/2023-01-01',
    });
    expect(run('2024-06-30', [p, at('2022-12-31T23:59:59+08:00')]).of('ACCIDENT_FACTOR_UNDERSTATED')).toEqual([]);
    expect(run('2024-06-30', [p, at('2024-01-01T00:00:00+08:00')]).of('ACCIDENT_FACTOR_UNDERSTATED')).toEqual([]);
    expect(run('2024-06-30', [p, at('2023-12-31T23:59:59+08:00')]).of('ACCIDENT_FACTOR_UNDERSTATED')).toHaveLength(1);
  });

  it('takes the worst reported grade of any insurer (ties: the smaller key), and compares ranks', () => {
    const r = run('2024-06-30', [
      { ...p, premium: { ...p.premium, factors: { ...p.premium.factors, priorYearAccident: 'general' } } },
      at('2023-03-01T08:00:00+08:00', { insurer: 'DADI', grade: 'larger' }),
      at('2023-04-01T08:00:00+08:00', { insurer: 'CPIC', grade: 'larger' }),
      at('2023-05-01T08:00:00+08:00', { grade: 'general' }),
    ]);
    expect(r.factsOf('ACCIDENT_FACTOR_UNDERSTATED')).toEqual({
      declared: 'general',
      worst: 'larger',
      accident: 'CPIC/2023-04-01',
    });
    const declaredLarger = {
      ...p,
      premium: { ...p.premium, factors: { ...p.premium.factors, priorYearAccident: 'larger' as const } },
    };
    expect(
      run('2024-06-30', [declaredLarger, at('2023-03-01T08:00:00+08:00', { grade: 'larger' })]).of(
        'ACCIDENT_FACTOR_UNDERSTATED',
      ),
    ).toEqual([]);
  });

  it('does not fire when the factor is null, or for accidents of another enterprise', () => {
    const unknown = { ...p, premium: { ...p.premium, factors: { ...p.premium.factors, priorYearAccident: null } } };
    expect(run('2024-06-30', [unknown, at('2023-03-01T08:00:00+08:00')]).of('ACCIDENT_FACTOR_UNDERSTATED')).toEqual([]);
    const elsewhere = at('2023-03-01T08:00:00+08:00', { enterprise: { uscc: '91370811MA3C000009' } });
    expect(run('2024-06-30', [p, elsewhere]).of('ACCIDENT_FACTOR_UNDERSTATED')).toEqual([]);
    expect(USCC).not.toBe('91370811MA3C000009');
  });
});
