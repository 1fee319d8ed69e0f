import {
  OTHER_USCC,
  USCC,
  policy,
  registered,
  run,
  run as runIn,
  service,
  zhejiang,
} from './testing/supervision.fixture';

const rules = (r: ReturnType<typeof runIn>) => r.findings.map((f) => `${f.rule} ${f.key}`);
const coverageRow = (r: ReturnType<typeof run>) => r.figures.coverage.find((c) => c.county === '370811');

describe('UNINSURED', () => {
  it('fires for a registered enterprise of which the hub holds no policy, with the register employees', () => {
    const r = run('2024-06-30', [], [registered({ employeeCount: 40 })]);
    expect(r.findings).toEqual([
      {
        rule: 'UNINSURED',
        key: USCC,
        severity: 'violation',
        insurer: null,
        uscc: USCC,
        regionCode: '370811',
        sector: 'non_coal_mining',
        facts: { employees: 40 },
        message: `企业 ${USCC} 列入应保企业名录(从业人员 40 人),但未投保安责险`,
      },
    ]);
    expect(coverageRow(r)).toMatchObject({ registered: 1, uninsured: 1, rate: 0 });
  });

  it('has employees null when the register has none, and ignores void policies', () => {
    const voidPolicy = policy({ cancelledOn: '2024-01-01' }); // cancelled on its start: void
    expect(run('2024-06-30', [voidPolicy], [registered()]).factsOf('UNINSURED')).toEqual({ employees: null });
  });

  it('does not fire for an enterprise whose only policy starts after asOf (pending), nor for an unregistered one', () => {
    const future = policy({ coverage: { start: '2024-07-01', end: '2025-06-30' } });
    const r = run('2024-06-30', [future], [registered()]);
    expect(r.findings).toEqual([]);
    expect(coverageRow(r)).toMatchObject({ registered: 1, pending: 1, insured: 0, rate: 0 });
    expect(run('2024-06-30', [], [registered({ uscc: OTHER_USCC })]).of('UNINSURED')).toHaveLength(1);
    expect(run('2024-06-30', [service()]).findings).toEqual([]);
  });

  it('does not fire for an enterprise with the safety risk deposit (济宁 五(二))', () => {
    const r = run('2024-06-30', [], [registered({ alternative: 'risk_deposit' })]);
    expect(r.findings).toEqual([]);
    expect(coverageRow(r)).toMatchObject({ registered: 1, riskDeposit: 1, rate: 1 });
  });
});

describe('LAPSED and SURRENDERED', () => {
  // Under the default pack: jining's own SERVICE_MISSING would also fire on these ended policies without services.
  const run = (asOf: string, records: Parameters<typeof runIn>[1], register: Parameters<typeof runIn>[2] = []) =>
    runIn(asOf, records, register, zhejiang());
  const ended = policy({ coverage: { start: '2023-07-01', end: '2024-06-29' } });

  it('LAPSED fires on the day after the end (lastEnd, daysLapsed, lastInsurer), not on the end day', () => {
    expect(run('2024-06-29', [ended]).findings.map((f) => f.rule)).toEqual(['RENEWAL_DUE']);
    const r = run('2024-06-30', [ended]);
    expect(r.of('LAPSED')).toEqual([
      expect.objectContaining({
        key: USCC,
        insurer: null,
        regionCode: '370811',
        facts: { lastEnd: '2024-06-29', daysLapsed: 1, lastInsurer: 'PICC' },
      }),
    ]);
    expect(rules(r)).toEqual([`LAPSED ${USCC}`]);
  });

  it('LAPSED applies to unregistered enterprises too; the register entry counts it in coverage', () => {
    expect(coverageRow(run('2024-12-31', [ended], [registered()]))).toMatchObject({ registered: 1, lapsed: 1 });
    expect(coverageRow(run('2024-12-31', [ended]))).toBeUndefined();
  });

  it('SURRENDERED fires when the latest policy was cancelled before its end (退保), instead of LAPSED', () => {
    const surrendered = policy({ cancelledOn: '2024-05-10' });
    const r = run('2024-06-30', [surrendered], [registered()]);
    expect(rules(r)).toEqual([`SURRENDERED ${USCC}`]);
    expect(r.factsOf('SURRENDERED')).toEqual({ cancelledOn: '2024-05-10', insurer: 'PICC' });
    expect(r.findings[0].insurer).toBeNull();
    expect(coverageRow(r)).toMatchObject({ surrendered: 1 });
    // still in force the day before the cancellation
    expect(run('2024-05-09', [surrendered]).findings).toEqual([]);
  });

  it('a policy cancelled on its end date lapses (not a surrender)', () => {
    const r = run('2025-01-05', [policy({ cancelledOn: '2024-12-31' })]);
    expect(rules(r)).toEqual([`LAPSED ${USCC}`]);
    expect(r.factsOf('LAPSED')).toEqual({ lastEnd: '2024-12-31', daysLapsed: 5, lastInsurer: 'PICC' });
  });

  it('the latest policy decides: a surrendered old policy followed by a lapsed renewal is LAPSED', () => {
    const old = policy({
      policyNo: 'A',
      coverage: { start: '2022-01-01', end: '2022-12-31' },
      cancelledOn: '2022-06-01',
    });
    const next = policy({ policyNo: 'B', insurer: 'DADI', coverage: { start: '2023-01-01', end: '2023-12-31' } });
    expect(run('2024-06-30', [old, next]).factsOf('LAPSED')).toEqual({
      lastEnd: '2023-12-31',
      daysLapsed: 182,
      lastInsurer: 'DADI',
    });
    // and the other way round
    const cancelledNext = { ...next, cancelledOn: '2023-03-01' };
    expect(run('2024-06-30', [old, cancelledNext]).factsOf('SURRENDERED')).toEqual({
      cancelledOn: '2023-03-01',
      insurer: 'DADI',
    });
  });

  it('latest policy ties: the later end, then the greater insurer/policyNo', () => {
    const a = policy({ policyNo: 'A', coverage: { start: '2023-01-01', end: '2023-12-31' } });
    const b = policy({ policyNo: 'B', insurer: 'CPIC', coverage: { start: '2023-01-01', end: '2023-06-30' } });
    expect(run('2024-06-30', [a, b]).factsOf('LAPSED')).toMatchObject({ lastEnd: '2023-12-31', lastInsurer: 'PICC' });
    const c = policy({ policyNo: 'C', insurer: 'CPIC', coverage: { start: '2023-01-01', end: '2023-12-31' } });
    expect(run('2024-06-30', [a, c]).factsOf('LAPSED')).toMatchObject({ lastInsurer: 'PICC' }); // PICC/A > CPIC/C
  });

  it('neither fires while another policy is in force, nor when all policies start after asOf', () => {
    const inForce = policy({ policyNo: 'B', coverage: { start: '2024-06-01', end: '2025-05-31' } });
    expect(run('2024-06-30', [ended, inForce]).findings).toEqual([]);
    const future = policy({ coverage: { start: '2024-07-01', end: '2025-06-30' } });
    expect(run('2024-06-30', [future]).findings).toEqual([]);
  });

  it('neither fires for an enterprise with the risk deposit', () => {
    expect(run('2024-12-31', [ended], [registered({ alternative: 'risk_deposit' })]).findings).toEqual([]);
  });

  it('uscc, regionCode and sector come from the latest policy', () => {
    const moved = policy({
      enterprise: { regionCode: '370812', sector: 'fireworks' },
      coverage: { end: '2024-06-01' },
    });
    expect(run('2024-06-30', [moved], [registered()]).of('LAPSED')[0]).toMatchObject({
      regionCode: '370812',
      sector: 'fireworks',
    });
  });
});

describe('RENEWAL_DUE', () => {
  const p = policy({ coverage: { start: '2024-01-01', end: '2024-07-30' } });

  it('fires exactly renewalNoticeDays (30) before the end, attributed to the enterprise', () => {
    expect(run('2024-06-29', [p]).findings).toEqual([]); // 31 days left
    const r = run('2024-06-30', [p]);
    expect(r.of('RENEWAL_DUE')).toEqual([
      expect.objectContaining({
        key: 'PICC/PICCAZ2024000001',
        severity: 'warning',
        insurer: null,
        facts: { end: '2024-07-30', daysLeft: 30 },
        message: '保单 PICCAZ2024000001 将于 2024-07-30 到期(剩 30 天),尚无续保保单',
      }),
    ]);
    expect(run('2024-07-30', [p]).factsOf('RENEWAL_DUE')).toEqual({ end: '2024-07-30', daysLeft: 0 });
  });

  it('does not fire with a successor starting the day after the end, of any insurer', () => {
    const next = policy({ policyNo: 'N', insurer: 'DADI', coverage: { start: '2024-07-31', end: '2025-07-30' } });
    expect(run('2024-06-30', [p, next]).of('RENEWAL_DUE')).toEqual([]);
  });

  it('fires when the next policy leaves a gap (start = end + 2) or is void', () => {
    const gap = policy({ policyNo: 'N', coverage: { start: '2024-08-01', end: '2025-07-31' } });
    expect(run('2024-06-30', [p, gap]).of('RENEWAL_DUE')).toHaveLength(1);
    const voidNext = policy({
      policyNo: 'N',
      coverage: { start: '2024-07-31', end: '2025-07-30' },
      cancelledOn: '2024-07-31',
    });
    expect(run('2024-06-30', [p, voidNext]).of('RENEWAL_DUE')).toHaveLength(1);
  });

  it('a policy starting on the same day is no successor', () => {
    const same = policy({ policyNo: 'S', coverage: { start: '2024-01-01', end: '2024-07-30' } });
    expect(run('2024-06-30', [p, same]).of('RENEWAL_DUE')).toHaveLength(2);
  });

  it('does not fire for a cancelled policy, nor for an enterprise with the risk deposit', () => {
    expect(run('2024-06-30', [{ ...p, cancelledOn: '2024-06-30' }]).of('RENEWAL_DUE')).toEqual([]);
    expect(run('2024-06-30', [p], [registered({ alternative: 'risk_deposit' })]).findings).toEqual([]);
  });

  it('applies under the default pack too', () => {
    expect(run('2024-06-30', [p], [], zhejiang()).of('RENEWAL_DUE')).toHaveLength(1);
  });
});

describe('PARTIAL_HEADCOUNT', () => {
  it('fires when fewer are insured than employed, with the message of SUPERVISION.md', () => {
    const p = policy({ policyNo: 'PICCAZ2023000001', coverage: { insuredHeadcount: 40 } });
    expect(run('2024-06-30', [p]).of('PARTIAL_HEADCOUNT')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { insured: 40, employees: 52, missing: 12 },
        message: '保单 PICCAZ2023000001 参保人数 40 人,少于从业人员 52 人(缺 12 人)',
      }),
    ]);
  });

  it('counts the register employees when larger, the policy employees otherwise', () => {
    const full = policy();
    expect(run('2024-06-30', [full], [registered({ employeeCount: 60 })]).factsOf('PARTIAL_HEADCOUNT')).toEqual({
      insured: 52,
      employees: 60,
      missing: 8,
    });
    expect(run('2024-06-30', [full], [registered({ employeeCount: 30 })]).of('PARTIAL_HEADCOUNT')).toEqual([]);
  });

  it('does not fire for a policy not in force', () => {
    const p = policy({ coverage: { insuredHeadcount: 10, end: '2024-06-29' } });
    expect(run('2024-06-30', [p]).of('PARTIAL_HEADCOUNT')).toEqual([]);
  });
});

describe('HEADCOUNT_REDUCED (jining)', () => {
  const v1 = policy({ version: 1, coverage: { insuredHeadcount: 50 } });
  const v2 = policy({ version: 2, coverage: { insuredHeadcount: 40 } });

  it('fires when the latest version insures fewer than the previous one and fewer than employed', () => {
    const r = run('2024-06-30', [v1, v2]);
    expect(r.factsOf('HEADCOUNT_REDUCED')).toEqual({ before: 50, after: 40, employees: 52 });
    expect(r.of('HEADCOUNT_REDUCED')[0].insurer).toBe('PICC');
  });

  it('compares with the previous version (the next lower received), whatever the arrival order', () => {
    const v3 = policy({ version: 3, coverage: { insuredHeadcount: 38 } });
    for (const order of [
      [v1, v2, v3],
      [v3, v1, v2],
      [v2, v3, v1],
    ])
      expect(run('2024-06-30', order).factsOf('HEADCOUNT_REDUCED')).toEqual({ before: 40, after: 38, employees: 52 });
  });

  it('does not fire without a previous version, when the reduction keeps everyone insured, or outside 3708', () => {
    expect(run('2024-06-30', [v2]).of('HEADCOUNT_REDUCED')).toEqual([]);
    const many = policy({ version: 1, coverage: { insuredHeadcount: 70 } });
    const fewer = policy({ version: 2, coverage: { insuredHeadcount: 60 } });
    expect(run('2024-06-30', [many, fewer]).of('HEADCOUNT_REDUCED')).toEqual([]);
    const zj = (v: typeof v1) => ({ ...v, enterprise: { ...v.enterprise, regionCode: '330106' } });
    expect(run('2024-06-30', [zj(v1), zj(v2)]).of('HEADCOUNT_REDUCED')).toEqual([]);
    expect(run('2024-06-30', [v1, v2], [], zhejiang()).of('HEADCOUNT_REDUCED')).toEqual([]);
  });

  it('a version received twice counts once: the first received', () => {
    const v2again = policy({ version: 2, coverage: { insuredHeadcount: 52 } });
    expect(run('2024-06-30', [v1, v2, v2again]).factsOf('HEADCOUNT_REDUCED')).toEqual({
      before: 50,
      after: 40,
      employees: 52,
    });
    expect(run('2024-06-30', [v1, v2again, v2]).of('HEADCOUNT_REDUCED')).toEqual([]);
  });
});
