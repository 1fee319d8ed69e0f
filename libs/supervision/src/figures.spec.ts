import { coverageRate, FigureTotals, KEY_SEPARATOR } from './figures';
import { OTHER_USCC, USCC, policy, registered, run, service, zhejiang } from './testing/supervision.fixture';

describe('coverageRate', () => {
  it.each([
    [0, 3, 0],
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [5, 8, 0.625],
    [1, 16, 0.0625],
    [1, 32, 0.0313], // 0.03125 half up
    [7, 7, 1],
  ])('%i of %i → %d', (covered, registered, rate) => expect(coverageRate(covered, registered)).toBe(rate));

  it('is null without registered enterprises', () => expect(coverageRate(1, 0)).toBeNull());
});

describe('figures', () => {
  it('coverage: counts each register entry once and unregistered insured enterprises at their latest in-force policy', () => {
    const r = run(
      '2024-06-30',
      [
        policy(),
        policy({ policyNo: 'X', enterprise: { uscc: OTHER_USCC, regionCode: '370812', sector: 'fireworks' } }),
        policy({
          policyNo: 'Y',
          enterprise: { uscc: OTHER_USCC, regionCode: '370829', sector: 'other' },
          coverage: { start: '2024-02-01' },
        }),
      ],
      [registered({ alternative: 'risk_deposit', uscc: '91370811MA3C000003' }), registered()],
    );
    expect(r.figures.coverage).toEqual([
      {
        county: '370811',
        sector: 'non_coal_mining',
        registered: 2,
        riskDeposit: 1,
        insured: 1,
        uninsured: 0,
        lapsed: 0,
        surrendered: 0,
        pending: 0,
        unregisteredInsured: 0,
        rate: 1,
      },
      {
        county: '370829',
        sector: 'other',
        registered: 0,
        riskDeposit: 0,
        insured: 0,
        uninsured: 0,
        lapsed: 0,
        surrendered: 0,
        pending: 0,
        unregisteredInsured: 1,
        rate: null,
      },
    ]);
  });

  it('headcount and premium sum the policies in force, employees as in the rules', () => {
    const r = run(
      '2024-06-30',
      [policy({ coverage: { insuredHeadcount: 40 } }), policy({ policyNo: 'ENDED', coverage: { end: '2024-06-29' } })],
      [registered({ employeeCount: 60 })],
      zhejiang(),
    );
    expect(r.figures.headcount).toEqual([
      { county: '370811', sector: 'non_coal_mining', policies: 1, insuredPersons: 40, employees: 60 },
    ]);
    expect(r.figures.premium).toEqual([{ county: '370811', insurer: 'PICC', policies: 1, premiumFen: 1_000_000 }]);
  });

  it('ledger: premiums by the quarter of the start, service spend by the quarter it ended, requiredFen only in the jurisdiction', () => {
    const records = [
      policy({
        coverage: { start: '2024-03-31', end: '2025-03-30' },
        premium: { amountFen: 110 },
        preventionFeeFen: null,
      }),
      policy({
        policyNo: 'ZJ',
        enterprise: { regionCode: '330106' },
        premium: { amountFen: 2000 },
        preventionFeeFen: 100,
      }),
      service({ endedAt: '2024-07-01T00:30:00+08:00', costFen: 700 }),
      service({ serviceId: 'FREE', costFen: null }),
      service({ serviceId: 'GONE', action: 'revoked', version: 2, costFen: 999 }),
    ];
    const r = run('2024-06-30', records);
    expect(r.figures.ledger).toEqual([
      {
        insurer: 'PICC',
        county: '330106',
        quarter: '2024Q1',
        premiumFen: 2000,
        requiredFen: null,
        reportedFen: 100,
        spendFen: 0,
        balanceFen: 100,
      },
      {
        insurer: 'PICC',
        county: '370811',
        quarter: '2024Q1',
        premiumFen: 110,
        requiredFen: 6,
        reportedFen: 0,
        spendFen: 0,
        balanceFen: 0,
      },
      {
        insurer: 'PICC',
        county: '370811',
        quarter: '2024Q3',
        premiumFen: 0,
        requiredFen: 0,
        reportedFen: 0,
        spendFen: 700,
        balanceFen: -700,
      },
    ]);
    expect(run('2024-06-30', records, [], zhejiang()).figures.ledger.map((l) => l.requiredFen)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('serviceCoverage: ended recent policies (complete or not) and policies in force with each item served so far', () => {
    const r = run('2024-06-30', [
      policy({ policyNo: 'OLD', coverage: { start: '2023-01-01', end: '2023-12-31' } }),
      policy({ coverage: { start: '2024-01-01', end: '2024-12-31' } }),
      service({ serviceId: 'T', item: 'training', endedAt: '2023-05-01T10:00:00+08:00' }),
      service({ serviceId: 'R', item: 'risk_assessment', endedAt: '2023-06-01T10:00:00+08:00' }),
      service({ serviceId: 'T2', item: 'training', endedAt: '2024-06-30T10:00:00+08:00' }),
      service({ serviceId: 'R2', item: 'risk_assessment', endedAt: '2024-07-01T10:00:00+08:00' }),
    ]);
    expect(r.figures.serviceCoverage).toEqual([
      {
        insurer: 'PICC',
        county: '370811',
        ended: 1,
        endedComplete: 1,
        inForce: 1,
        inForceTraining: 1,
        inForceRiskAssessment: 0,
      },
    ]);
  });

  it('has no row where every value is 0', () => {
    const r = run('2024-06-30', [policy({ premium: { amountFen: 0 }, preventionFeeFen: 0 })], [], zhejiang());
    expect(r.figures.ledger).toEqual([]);
    expect(r.figures.premium).toEqual([{ county: '370811', insurer: 'PICC', policies: 1, premiumFen: 0 }]);
    expect(USCC).toBeDefined();
  });
});

describe('FigureTotals', () => {
  it('adds and removes contributions, dropping rows that return to 0, sorted by key columns', () => {
    const totals = new FigureTotals();
    const a = { member: 'premium' as const, key: ['370811', 'PICC_X'].join(KEY_SEPARATOR), values: [1, 5] };
    const b = { member: 'premium' as const, key: ['370811', 'PICC'].join(KEY_SEPARATOR), values: [1, 7] };
    totals.apply([a, b]);
    expect(totals.figures('2024-06-30', 'x@1', () => false).premium.map((p) => p.insurer)).toEqual(['PICC', 'PICC_X']);
    totals.apply([a], -1);
    expect(totals.figures('2024-06-30', 'x@1', () => false).premium).toEqual([
      { county: '370811', insurer: 'PICC', policies: 1, premiumFen: 7 },
    ]);
    expect(() => totals.apply([a], -1)).toThrow('no premium row 370811/PICC_X to remove from');
  });
});
