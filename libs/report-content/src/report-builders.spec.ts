import { renderReport, type ReportDocument, type ReportTable, validateReportDocument } from '@ajx/report-rendering';
import type { Sector } from '@ajx/contracts';
import { type Finding, supervise, SupervisionState, subjectOf, type SupervisionInput } from '@ajx/supervision';
import {
  accident,
  claim,
  input,
  jining,
  policy,
  registered,
  service,
} from '../../supervision/src/testing/supervision.fixture';
import {
  evaluatePeriod,
  type FindingPlace,
  type PeriodEvaluation,
  PeriodEvaluator,
  type ReportData,
} from './period-evaluation';
import {
  cityBulletin,
  coverageChange,
  findingCounts,
  monthlyScorecard,
  reportScopes,
  weeklyReport,
} from './report-builders';
import { monthPeriod, weekPeriod } from './report-period';

/*
 * Week 2026-W49 (Monday 2026-11-30 to Sunday 2026-12-06) in 任城区 (370811) and 兖州区 (370812). The numbers each test
 * expects are counted by hand from the records below, not by the code under test.
 */
const E = (n: number) => `91370811MA3C00000${n}`;
const enterprise = (n: number, sector: Sector = 'non_coal_mining', regionCode = '370811') => ({
  uscc: E(n),
  regionCode,
  sector,
  employeeCount: 10,
});
const register = [
  registered({ uscc: E(1) }),
  registered({ uscc: E(2), sector: 'construction' }),
  registered({ uscc: E(3) }),
  registered({ uscc: E(4) }),
  registered({ uscc: E(5), regionCode: '370812' }),
];
const yearPolicy = (n: number, policyNo: string, start: string, end: string, insurer = 'PICC', over = {}) =>
  policy({
    policyNo,
    insurer,
    enterprise: enterprise(n, n === 2 ? 'construction' : 'non_coal_mining'),
    coverage: { start, end, insuredHeadcount: 10 },
    ...over,
  });

const records: SupervisionInput[] = [
  // E1 insured all year; a training in the week and a revoked risk diagnosis (counts for nothing).
  yearPolicy(1, 'P1', '2026-01-01', '2026-12-31'),
  service({
    serviceId: 'S1',
    enterprise: enterprise(1),
    item: 'training',
    endedAt: '2026-12-03T16:00:00+08:00',
    costFen: 12_345,
  }),
  service({
    serviceId: 'S2',
    enterprise: enterprise(1),
    item: 'risk_assessment',
    action: 'revoked',
    endedAt: '2026-12-03T16:00:00+08:00',
  }),
  service({ serviceId: 'S3', enterprise: enterprise(1), item: 'training', endedAt: '2026-11-29T16:00:00+08:00' }),
  // E2 renews on 12-01 with DADI (predecessor ends 11-30): one renewal in the week.
  yearPolicy(2, 'P2a', '2025-12-01', '2026-11-30'),
  yearPolicy(2, 'P2b', '2026-12-01', '2027-11-30', 'DADI', {
    premium: { amountFen: 2_000_000 },
    preventionFeeFen: 100_000,
  }),
  // E3 takes its first policy from 12-02: new in the week, UNINSURED resolved.
  yearPolicy(3, 'P3', '2026-12-02', '2027-12-01'),
  // E4 lapsed since 11-20: LAPSED before and after.
  yearPolicy(4, 'P4', '2025-11-21', '2026-11-20'),
  // E6 (not registered) ends on 12-03 without renewal: RENEWAL_DUE before the week, LAPSED after it.
  yearPolicy(6, 'P6', '2025-12-04', '2026-12-03'),
  // An accident on 12-01 never reported to the authority, and a paid claim.
  accident({
    accidentId: 'A1',
    enterprise: enterprise(1),
    occurredAt: '2026-12-01T09:00:00+08:00',
    deaths: 1,
    seriousInjuries: 0,
    minorInjuries: 2,
    directLossFen: 500_000,
    reportedToAuthorityAt: null,
  }),
  claim({
    claimNo: 'C1',
    enterprise: enterprise(1),
    action: 'paid',
    documentsCompleteAt: '2026-11-02T10:00:00+08:00',
    decidedAt: '2026-11-10T10:00:00+08:00',
    agreedAt: '2026-11-12T10:00:00+08:00',
    paidAt: '2026-11-14T10:00:00+08:00',
    paidFen: 300_000,
  }),
  // 兖州区: a policy starting in the week, not 任城区's.
  policy({
    policyNo: 'P5',
    insurer: 'DADI',
    enterprise: enterprise(5, 'non_coal_mining', '370812'),
    coverage: { start: '2026-12-01', end: '2027-11-30', insuredHeadcount: 10 },
  }),
].map((r) => input(r));

const data = (over: Partial<ReportData> = {}): ReportData => ({
  params: jining(),
  inputs: records,
  register,
  generatedAt: '2026-12-07T08:00:00+08:00',
  ...over,
});

const section = (doc: ReportDocument, id: string) => doc.sections.find((s) => s.id === id)!;
const table = (doc: ReportDocument, id: string, i = 0): ReportTable => section(doc, id).tables[i];

describe('weekly report (七(二))', () => {
  const ev = evaluatePeriod(data(), weekPeriod('2026-W49'));
  const doc = weeklyReport(ev, '370811');

  it('is a valid document of the county and the week', () => {
    expect(() => validateReportDocument(doc)).not.toThrow();
    expect(doc.scopeName).toBe('任城区应急管理局');
    expect(doc.period).toEqual({
      from: '2026-11-30',
      to: '2026-12-06',
      label: '2026年第49周(11月30日—12月6日)',
      code: '2026-W49',
    });
    expect(ev.end.asOf).toBe('2026-12-06');
    expect(ev.before.asOf).toBe('2026-11-29');
  });

  it('counts coverage at the week end with its change from the week before', () => {
    const t = table(doc, 'coverage');
    // End: E1, E2, E3 insured, E4 lapsed (4 registered, 3 insured); before: E1, E2 insured, E3 pending, E4 lapsed.
    expect(t.totals).toMatchObject({
      registered: 4,
      insured: 3,
      uninsured: 0,
      lapsed: 1,
      pending: 0,
      unregisteredInsured: 0,
      rate: 0.75,
      rateBefore: 0.5,
      rateChange: 0.25,
    });
    expect(t.rows.find((r) => r.group === '建筑施工')).toMatchObject({
      registered: 1,
      insured: 1,
      rate: 1,
      rateChange: 0,
    });
    expect(t.rows.find((r) => r.group === '非煤矿山')).toMatchObject({
      registered: 3,
      insured: 2,
      rate: 0.6667,
      rateChange: 0.3334,
    });
    expect(coverageChange(ev, '370811')).toBe(0.25);
    expect(doc.summary![0]).toContain('投保率 75.00%(较上期末 +25.00%)');
  });

  it('counts new and renewed policies of the county only', () => {
    const t = table(doc, 'new-policies');
    expect(t.totals).toMatchObject({ newPolicies: 1, renewed: 1, premiumFen: 3_000_000 });
    expect(t.rows).toEqual([
      { group: '大地财险', newPolicies: 0, renewed: 1, insuredPersons: 10, premiumFen: 2_000_000 },
      { group: '人保财险', newPolicies: 1, renewed: 0, insuredPersons: 10, premiumFen: 1_000_000 },
    ]);
  });

  it('counts services ended in the week (revoked ones not), accidents, claims and findings', () => {
    expect(table(doc, 'services').rows).toEqual([{ item: '安全培训', services: 1, enterprises: 1, costFen: 12_345 }]);
    expect(table(doc, 'accidents').rows).toEqual([
      {
        county: '任城区',
        grade: '一般事故',
        occurred: 1,
        accidents: 1,
        deaths: 1,
        seriousInjuries: 0,
        minorInjuries: 2,
        directLossFen: 500_000,
        reportedLate: 1,
      },
    ]);
    expect(table(doc, 'claims').rows).toEqual([
      {
        group: '人保财险',
        claims: 1,
        open: 0,
        paid: 1,
        rejected: 0,
        withdrawn: 0,
        paidFen: 300_000,
        decisionLate: 0,
        paymentLate: 0,
      },
    ]);
    const findings = table(doc, 'findings').rows;
    // E3's policy starting in the week made it pending, never UNINSURED; E6 went from RENEWAL_DUE to LAPSED, and
    // E1's policy entered its last 30 days (2026-12-31 − 2026-12-06 = 25).
    expect(findings.find((r) => r.code === 'UNINSURED')).toBeUndefined();
    expect(findings.find((r) => r.code === 'LAPSED')).toMatchObject({ open: 2, opened: 1, resolved: 0 });
    expect(findings.find((r) => r.code === 'RENEWAL_DUE')).toMatchObject({ open: 1, opened: 1, resolved: 1 });
    // Every record held counts on both dates, whatever its business time (SUPERVISION.md "Inputs"): the accident of
    // 12-01 is already late as of 11-29, so its finding is not counted as opened in the week.
    expect(findings.find((r) => r.code === 'ACCIDENT_REPORTED_LATE')).toMatchObject({ open: 1, opened: 0 });
    // Nothing of 兖州区 (E5 is uninsured there).
    expect(JSON.stringify(doc)).not.toContain('兖州区');
  });

  it('shows target progress of the county', () => {
    const ev2 = evaluatePeriod(
      data({
        targets: [{ city: '370800', scope: 'county', scopeId: '370811', insured: 4, premiumFen: 8_000_000 }],
      }),
      weekPeriod('2026-W49'),
    );
    // In force on 12-06: P1, P2b, P3 (1 + 2 + 1 million fen).
    expect(table(weeklyReport(ev2, '370811'), 'targets').rows).toEqual([
      {
        scope: '任城区',
        targetInsured: 4,
        insured: 3,
        insuredProgress: 0.75,
        targetPremiumFen: 8_000_000,
        premiumFen: 4_000_000,
        premiumProgress: 0.5,
      },
    ]);
  });

  it('renders to CSV, XLSX and PDF', async () => {
    const csv = (await renderReport(doc, 'csv')).toString('utf8');
    expect(csv).toContain('任城区应急管理局');
    expect(csv).toContain('75.00%');
  });
});

describe('a past period (regenerated later): the rules stand on the period’s end, not on the day of generation', () => {
  // Week 45 (11-02 to 11-08), generated on 12-07 with every record the hub holds then.
  const ev = evaluatePeriod(data(), weekPeriod('2026-W45'));
  const doc = weeklyReport(ev, '370811');

  it('counts E4 insured (it lapsed only on 11-21) and E3 not yet in force (from 12-02)', () => {
    expect([ev.end.asOf, ev.before.asOf]).toEqual(['2026-11-08', '2026-11-01']);
    expect(table(doc, 'coverage').totals).toMatchObject({ registered: 4, insured: 3, lapsed: 0, pending: 1 });
    const open = supervise(jining(), records, register, ev.end.asOf).findings.map((f) => `${f.rule} ${f.key}`);
    // E4's policy ends within 30 days of the week's end: due for renewal then, not lapsed.
    expect(open).toContain('RENEWAL_DUE PICC/P4');
    expect(open.filter((k) => k.startsWith('LAPSED'))).toEqual([]);
    const counted = findingCounts(ev, () => true);
    expect(counted.find((c) => c.rule === 'RENEWAL_DUE')?.open).toBe(
      open.filter((k) => k.startsWith('RENEWAL_DUE')).length,
    );
    expect(counted.find((c) => c.rule === 'LAPSED')?.open ?? 0).toBe(0);
  });
});

describe('city bulletin (工作简报)', () => {
  const ev = evaluatePeriod(data(), weekPeriod('2026-W49'));
  it('rolls up every county of the city', () => {
    const doc = cityBulletin(ev, '370800');
    expect(doc.scopeName).toBe('济宁市应急管理局');
    const t = table(doc, 'coverage');
    expect(t.rows.map((r) => r.group)).toEqual(['任城区', '兖州区']);
    expect(t.totals).toMatchObject({ registered: 5, insured: 4, rate: 0.8 });
    expect(table(doc, 'new-policies').totals).toMatchObject({ newPolicies: 2, renewed: 1 });
    expect(reportScopes(ev)).toEqual({
      counties: ['370811', '370812'],
      cities: ['370800'],
      insurers: new Map([['370800', ['DADI', 'PICC']]]),
    });
  });
});

describe('monthly scorecard (七(三))', () => {
  const confirmedAt = '2026-11-20T02:00:00Z';
  const ev = evaluatePeriod(
    data({
      confirmed: [
        { rule: 'RATE_MISMATCH', key: 'PICC/P9', insurer: 'PICC', confirmedAt },
        { rule: 'OUT_OF_TERRITORY', key: 'PICC/P8', insurer: 'PICC', confirmedAt },
        { rule: 'RATE_MISMATCH', key: 'DADI/P7', insurer: 'DADI', confirmedAt },
        { rule: 'RATE_MISMATCH', key: 'PICC/P6', insurer: 'PICC', confirmedAt: '2025-06-01T02:00:00Z' },
      ],
    }),
    monthPeriod('2026-11'),
  );
  const doc = monthlyScorecard(ev, '370800', 'PICC');

  it('is the insurer’s month in the city', () => {
    expect(() => validateReportDocument(doc)).not.toThrow();
    expect(doc.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30', code: '2026-11' });
    // In force on 11-30 by PICC: P1, P2a and P6 (P4 ended 11-20).
    expect(table(doc, 'premium').totals).toMatchObject({ policies: 3, premiumFen: 3_000_000 });
    expect(table(doc, 'claims').totals).toMatchObject({ claims: 1, paid: 1, paidFen: 300_000 });
    // The accident of 12-01 is not in November's figures: it had not occurred on 11-30 but the records hold it.
    expect(table(doc, 'accidents').rows[0]).toMatchObject({ county: '任城区', occurred: 0, accidents: 1 });
  });

  it('shows the insurer’s target progress: its policies in force on the month’s last day and their premium', () => {
    const withTarget = evaluatePeriod(
      data({ targets: [{ city: '370800', scope: 'insurer', scopeId: 'PICC', insured: 6, premiumFen: 6_000_000 }] }),
      monthPeriod('2026-11'),
    );
    // P1, P2a and P6 (as above): 3 of 6 policies, 3,000,000 of 6,000,000 fen.
    expect(table(monthlyScorecard(withTarget, '370800', 'PICC'), 'targets').rows).toEqual([
      expect.objectContaining({ targetInsured: 6, insured: 3, targetPremiumFen: 6_000_000, premiumFen: 3_000_000 }),
    ]);
  });

  it('places the insurer on the violation ladder of the year (two confirmed: 警告)', () => {
    expect(table(doc, 'ladder').rows).toEqual([{ year: '2026', violations: 2, feeUnderAccrued: 0, stage: '警告' }]);
    expect(table(doc, 'ladder', 1).rows.map((r) => r.key)).toEqual(['PICC/P8', 'PICC/P9']);
    expect(table(monthlyScorecard(ev, '370800', 'DADI'), 'ladder').rows[0]).toMatchObject({ stage: '通报批评' });
  });

  it('renders every format', async () => {
    for (const format of ['csv', 'xlsx'] as const)
      expect((await renderReport(doc, format)).length).toBeGreaterThan(100);
  });
});

describe('a period evaluated enterprise by enterprise (the service reads a province chunk by chunk)', () => {
  const recordId = (i: SupervisionInput) => `${i.kind}/${i.record.insurer}/${subjectOf(i)}`;
  /** What the service reads for some enterprises: every version of every record with a version at one of them. */
  const versionsOf = (usccs: ReadonlySet<string>) => {
    const touching = new Set(records.filter((i) => usccs.has(i.record.enterprise.uscc)).map(recordId));
    return records.filter((i) => touching.has(recordId(i)));
  };

  it.each([1, 2, 3])('builds the same reports from chunks of %i enterprises as from everything at once', (size) => {
    for (const period of [weekPeriod('2026-W49'), monthPeriod('2026-11')]) {
      const whole = evaluatePeriod(data(), period);
      const state = new SupervisionState();
      for (const i of records) state.apply(i);
      const all = [...new Set([...state.usccs(), ...register.map((e) => e.uscc)])].sort();
      const chunked = new PeriodEvaluator(jining(), period);
      for (let at = 0; at < all.length; at += size) {
        const chunk = new Set(all.slice(at, at + size));
        chunked.add(
          chunk,
          versionsOf(chunk),
          register.filter((e) => chunk.has(e.uscc)),
        );
      }
      const ev = chunked.finish(data());
      const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
      for (const kind of ['policy', 'service', 'hazard', 'accident', 'claim'] as const)
        expect(sorted(ev.records[kind])).toEqual(sorted(whole.records[kind]));
      expect(JSON.stringify([ev.end, ev.before, ev.findings, [...ev.lateAccidents].sort()])).toBe(
        JSON.stringify([whole.end, whole.before, whole.findings, [...whole.lateAccidents].sort()]),
      );
      expect(JSON.stringify(weeklyReport(ev, '370811'))).toBe(JSON.stringify(weeklyReport(whole, '370811')));
      expect(JSON.stringify(cityBulletin(ev, '370800'))).toBe(JSON.stringify(cityBulletin(whole, '370800')));
      expect(JSON.stringify(monthlyScorecard(ev, '370800', 'PICC'))).toBe(
        JSON.stringify(monthlyScorecard(whole, '370800', 'PICC')),
      );
    }
  });

  it.each([weekPeriod('2026-W49'), monthPeriod('2026-11'), weekPeriod('2026-W45')])(
    'counts findings per scope as the findings of both dates would ($code)',
    (period) => {
      const ev = evaluatePeriod(data(), period);
      // Every finding of both dates, compared by rule and key: what the counts stand for.
      const end = supervise(jining(), records, register, ev.end.asOf).findings;
      const before = supervise(jining(), records, register, ev.before.asOf).findings;
      expect(end.length + before.length).toBeGreaterThan(0);
      const id = (f: Finding) => `${f.rule} ${f.key}`;
      const scopes: ((p: FindingPlace) => boolean)[] = [
        () => true,
        (p) => p.regionCode === '370811',
        (p) => p.regionCode === '370812',
        (p) => p.regionCode.startsWith('3708'),
        (p) => p.insurer === 'PICC',
        (p) => p.regionCode.startsWith('3708') && p.insurer === 'CPIC',
      ];
      for (const keep of scopes) {
        const e = end.filter(keep);
        const b = before.filter(keep);
        const rules = [...new Set([...e, ...b].map((f) => f.rule))].sort();
        const expected = rules.map((rule) => ({
          rule,
          open: e.filter((f) => f.rule === rule).length,
          opened: e.filter((f) => f.rule === rule && !b.some((g) => id(g) === id(f))).length,
          resolved: b.filter((f) => f.rule === rule && !e.some((g) => id(g) === id(f))).length,
        }));
        expect(findingCounts(ev, keep)).toEqual(expected);
      }
    },
  );

  it('counts a finding that moved to another county as resolved in the old, opened in the new, neither in the city', () => {
    const ev = evaluatePeriod(data(), weekPeriod('2026-W49'));
    const moved: PeriodEvaluation = {
      ...ev,
      findings: [
        {
          rule: 'LAPSED',
          end: { regionCode: '370812', insurer: 'PICC' },
          before: { regionCode: '370811', insurer: 'PICC' },
          count: 2,
        },
      ],
    };
    expect(findingCounts(moved, (p) => p.regionCode === '370811')).toEqual([
      { rule: 'LAPSED', open: 0, opened: 0, resolved: 2 },
    ]);
    expect(findingCounts(moved, (p) => p.regionCode === '370812')).toEqual([
      { rule: 'LAPSED', open: 2, opened: 2, resolved: 0 },
    ]);
    expect(findingCounts(moved, (p) => p.regionCode.startsWith('3708'))).toEqual([
      { rule: 'LAPSED', open: 2, opened: 0, resolved: 0 },
    ]);
    expect(findingCounts(moved, (p) => p.insurer === 'CPIC')).toEqual([]);
  });

  it('refuses an enterprise given twice', () => {
    const evaluator = new PeriodEvaluator(jining(), weekPeriod('2026-W49'));
    evaluator.add([E(1)], versionsOf(new Set([E(1)])), []);
    expect(() => evaluator.add([E(1)], [], [])).toThrow(`enterprise ${E(1)} evaluated twice in one period`);
  });
});
