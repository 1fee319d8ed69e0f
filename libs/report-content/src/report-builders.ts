import type { ReportChart, ReportDocument, ReportRow, ReportSection, ReportTable } from '@ajx/report-rendering';
import { formatCount, formatFen, formatPercentChange, formatRate } from '@ajx/report-rendering';
import {
  ACCIDENT_GRADES,
  compareCodePoints,
  coverageRate,
  dayNumber,
  LADDER_RULES,
  MARKET_EXIT_RULE,
  RULE_TITLES,
  type SupervisedPolicy,
} from '@ajx/supervision';
import type { SupervisionRuleId } from '@ajx/authz';
import { type FindingPlace, type FindingTally, inPeriod, isVoid, type PeriodEvaluation } from './period-evaluation';
import {
  cityName,
  cityOf,
  countyName,
  GRADE_TITLES,
  insurerTitle,
  ITEM_TITLES,
  LEVEL_TITLES,
  sectorTitle,
} from './report-names';

/*
 * Report contents (SUPERVISION.md "Reports"; Jining 七(二) weekly report and 工作简报, 七(三) monthly joint meeting,
 * 七(九) targets, 七(八) violation ladder; Zhejiang 三(一) target assessment). Every number comes from the supervision
 * library's figures and findings as of the period's last day (and the day before it began, for changes), or from
 * the latest records for what happened in the period. Pure: a PeriodEvaluation in, a ReportDocument out.
 */

export const REPORT_MARKING = '内部资料 注意保密';

/** Where a report's numbers come from: a county (`370811`) or a city (`370800`, all its counties). */
interface Region {
  code: string;
  /** Region-code prefix of the records counted (`370811`, `3708`). */
  prefix: string;
  name: string;
}

const countyRegion = (code: string): Region => ({ code, prefix: code, name: countyName(code) });
const cityRegion = (code: string): Region => ({ code, prefix: code.slice(0, 4), name: cityName(code) });
const within = (r: Region, county: string) => county.startsWith(r.prefix);

function sum<T>(rows: readonly T[], pick: (row: T) => number): number {
  return rows.reduce((total, row) => total + pick(row), 0);
}
function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10000) / 10000;
}
const change = (now: number | null, before: number | null) =>
  now === null || before === null ? null : Math.round((now - before) * 10000) / 10000;

/** Groups rows by a key, in code point order of the keys. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return [...m.entries()].sort(([a], [b]) => compareCodePoints(a, b));
}

function barChart(
  title: string,
  categories: string[],
  series: ReportChart['series'],
  valueKind: ReportChart['valueKind'],
) {
  return categories.length ? ({ type: 'bar', title, categories, series, valueKind } satisfies ReportChart) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Figures per section
// ---------------------------------------------------------------------------------------------------------------

export interface CoverageLine {
  group: string;
  registered: number;
  riskDeposit: number;
  insured: number;
  uninsured: number;
  lapsed: number;
  surrendered: number;
  pending: number;
  unregisteredInsured: number;
  rate: number | null;
  rateBefore: number | null;
  rateChange: number | null;
}

const COVERAGE_VALUES = [
  'registered',
  'riskDeposit',
  'insured',
  'uninsured',
  'lapsed',
  'surrendered',
  'pending',
  'unregisteredInsured',
] as const;

/** Coverage of a region at the period's end and before it, grouped (by sector of a county, by county of a city). */
export function coverageLines(ev: PeriodEvaluation, region: Region, by: 'sector' | 'county'): CoverageLine[] {
  const pick = (rows: PeriodEvaluation['end']['figures']['coverage']) => rows.filter((r) => within(region, r.county));
  const end = groupBy(pick(ev.end.figures.coverage), (r) => r[by]);
  const before = new Map(groupBy(pick(ev.before.figures.coverage), (r) => r[by]));
  const keys = [...new Set([...end.map(([k]) => k), ...before.keys()])].sort(compareCodePoints);
  const endMap = new Map(end);
  return keys.map((k) => line(k, endMap.get(k) ?? [], before.get(k) ?? []));
}

function line(group: string, rows: readonly Record<(typeof COVERAGE_VALUES)[number], number>[], before: typeof rows) {
  const out = { group } as CoverageLine;
  for (const v of COVERAGE_VALUES) out[v] = sum(rows, (r) => r[v]);
  const registeredBefore = sum(before, (r) => r.registered);
  out.rate = coverageRate(out.insured + out.riskDeposit, out.registered);
  out.rateBefore = coverageRate(
    sum(before, (r) => r.insured + r.riskDeposit),
    registeredBefore,
  );
  out.rateChange = change(out.rate, out.rateBefore);
  return out;
}

function totalCoverage(lines: readonly CoverageLine[]): CoverageLine {
  const out = { group: '合计' } as CoverageLine;
  for (const v of COVERAGE_VALUES) out[v] = sum(lines, (l) => l[v]);
  out.rate = coverageRate(out.insured + out.riskDeposit, out.registered);
  // The rate before from the lines' rates is not additive: recomputed from counts of the day before.
  return out;
}

/** New policies (no predecessor) and renewals (a predecessor: SUPERVISION.md "Successor") starting in the period. */
export function newAndRenewed(ev: PeriodEvaluation, region: Region, insurer?: string) {
  const nonVoid = ev.records.policy.filter((p) => !isVoid(p));
  const byUscc = new Map<string, SupervisedPolicy[]>();
  for (const p of nonVoid) {
    const list = byUscc.get(p.enterprise.uscc);
    if (list) list.push(p);
    else byUscc.set(p.enterprise.uscc, [p]);
  }
  const started = nonVoid.filter(
    (p) =>
      inPeriod(ev.period, p.coverage.start) &&
      within(region, p.enterprise.regionCode) &&
      (insurer === undefined || p.insurer === insurer),
  );
  return started.map((q) => {
    const start = dayNumber(q.coverage.start);
    const renewal = (byUscc.get(q.enterprise.uscc) ?? []).some(
      (p) => p !== q && dayNumber(p.coverage.start) < start && start <= dayNumber(p.coverage.end) + 1,
    );
    return { policy: q, renewal };
  });
}

/**
 * Findings of the period where `keep` holds: open at its end, opened in it (kept at the end, not the day before it
 * began) and resolved in it (kept the day before, not at the end) — a finding that moved out of a report's scope is
 * resolved there, one that moved in is opened there.
 */
export function findingCounts(ev: PeriodEvaluation, keep: (place: FindingPlace) => boolean) {
  const counts = new Map<string, { rule: FindingTally['rule']; open: number; opened: number; resolved: number }>();
  for (const t of ev.findings) {
    const atEnd = t.end !== null && keep(t.end);
    const atBefore = t.before !== null && keep(t.before);
    if (!atEnd && !atBefore) continue;
    const c = counts.get(t.rule) ?? { rule: t.rule, open: 0, opened: 0, resolved: 0 };
    counts.set(t.rule, c);
    if (atEnd) c.open += t.count;
    if (atEnd && !atBefore) c.opened += t.count;
    if (atBefore && !atEnd) c.resolved += t.count;
  }
  return [...counts.values()].sort((a, b) => compareCodePoints(a.rule, b.rule));
}

// ---------------------------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------------------------

function coverageSection(ev: PeriodEvaluation, region: Region, by: 'sector' | 'county'): ReportSection {
  const lines = coverageLines(ev, region, by);
  const total = totalCoverage(lines);
  const coveredBefore = ev.before.figures.coverage.filter((r) => within(region, r.county));
  total.rateBefore = coverageRate(
    sum(coveredBefore, (r) => r.insured + r.riskDeposit),
    sum(coveredBefore, (r) => r.registered),
  );
  total.rateChange = change(total.rate, total.rateBefore);
  const name = (k: string) => (by === 'sector' ? sectorTitle(k) : countyName(k));
  const row = (l: CoverageLine): ReportRow => ({ ...l, group: l.group === '合计' ? '合计' : name(l.group) });
  return {
    id: 'coverage',
    title: '投保概况',
    note: `应保企业名录内企业截至${ev.period.to}的投保情况;投保率 = (在保 + 风险抵押金) / 登记企业,环比为较上期末(${ev.before.asOf})的变化(百分点)。`,
    tables: [
      {
        columns: [
          { key: 'group', title: by === 'sector' ? '行业' : '县(市、区)', kind: 'text' },
          { key: 'registered', title: '登记企业', kind: 'count' },
          { key: 'insured', title: '在保', kind: 'count' },
          { key: 'riskDeposit', title: '风险抵押金', kind: 'count' },
          { key: 'uninsured', title: '未投保', kind: 'count' },
          { key: 'lapsed', title: '脱保', kind: 'count' },
          { key: 'surrendered', title: '退保', kind: 'count' },
          { key: 'pending', title: '待生效', kind: 'count' },
          { key: 'unregisteredInsured', title: '名录外在保', kind: 'count' },
          { key: 'rate', title: '投保率', kind: 'rate' },
          { key: 'rateBefore', title: '上期末投保率', kind: 'rate' },
          { key: 'rateChange', title: '投保率环比', kind: 'percentChange' },
        ],
        rows: lines.map(row),
        totals: row(total),
      },
    ],
    chart: barChart(
      '投保率',
      lines.map((l) => name(l.group)),
      [
        { name: '本期末', values: lines.map((l) => l.rate) },
        { name: '上期末', values: lines.map((l) => l.rateBefore) },
      ],
      'rate',
    ),
  };
}

function newPoliciesSection(ev: PeriodEvaluation, region: Region, insurer?: string): ReportSection {
  const started = newAndRenewed(ev, region, insurer);
  const groups = groupBy(started, (s) => (insurer === undefined ? s.policy.insurer : s.policy.enterprise.regionCode));
  const rows = groups.map(([k, list]) => ({
    group: insurer === undefined ? insurerTitle(k) : countyName(k),
    newPolicies: list.filter((s) => !s.renewal).length,
    renewed: list.filter((s) => s.renewal).length,
    insuredPersons: sum(list, (s) => s.policy.coverage.insuredHeadcount),
    premiumFen: sum(list, (s) => s.policy.premium.amountFen),
  }));
  return {
    id: 'new-policies',
    title: '新增与续保',
    note: `保险期间起始日在 ${ev.period.from} 至 ${ev.period.to} 的保单;续保指同一企业上一份保单到期次日前(含)起保。`,
    tables: [
      {
        columns: [
          { key: 'group', title: insurer === undefined ? '承保公司' : '县(市、区)', kind: 'text' },
          { key: 'newPolicies', title: '新增保单', kind: 'count' },
          { key: 'renewed', title: '续保保单', kind: 'count' },
          { key: 'insuredPersons', title: '参保人数', kind: 'count' },
          { key: 'premiumFen', title: '保费', kind: 'fen' },
        ],
        rows,
        totals: {
          group: '合计',
          newPolicies: sum(rows, (r) => r.newPolicies),
          renewed: sum(rows, (r) => r.renewed),
          insuredPersons: sum(rows, (r) => r.insuredPersons),
          premiumFen: sum(rows, (r) => r.premiumFen),
        },
      },
    ],
    chart: barChart(
      '新增与续保保单',
      rows.map((r) => r.group),
      [
        { name: '新增', values: rows.map((r) => r.newPolicies) },
        { name: '续保', values: rows.map((r) => r.renewed) },
      ],
      'count',
    ),
  };
}

function premiumSection(ev: PeriodEvaluation, region: Region, insurer?: string): ReportSection {
  const inRegion = ev.end.figures.premium.filter(
    (r) => within(region, r.county) && (insurer === undefined || r.insurer === insurer),
  );
  const groups = groupBy(inRegion, (r) => (insurer === undefined ? r.insurer : r.county));
  const rows = groups.map(([k, list]) => ({
    group: insurer === undefined ? insurerTitle(k) : countyName(k),
    policies: sum(list, (r) => r.policies),
    premiumFen: sum(list, (r) => r.premiumFen),
  }));
  return {
    id: 'premium',
    title: insurer === undefined ? '保费' : '承保与保费',
    note: `截至${ev.period.to}有效保单(属地统计,济宁 七(六))。`,
    tables: [
      {
        columns: [
          { key: 'group', title: insurer === undefined ? '承保公司' : '县(市、区)', kind: 'text' },
          { key: 'policies', title: '有效保单', kind: 'count' },
          { key: 'premiumFen', title: '保费', kind: 'fen' },
        ],
        rows,
        totals: { group: '合计', policies: sum(rows, (r) => r.policies), premiumFen: sum(rows, (r) => r.premiumFen) },
      },
    ],
    chart: barChart(
      '有效保单保费',
      rows.map((r) => r.group),
      [{ name: '保费', values: rows.map((r) => r.premiumFen) }],
      'fen',
    ),
  };
}

function servicesSection(ev: PeriodEvaluation, region: Region, insurer?: string): ReportSection {
  const done = ev.records.service.filter(
    (s) =>
      s.action !== 'revoked' &&
      within(region, s.enterprise.regionCode) &&
      (insurer === undefined || s.insurer === insurer) &&
      inPeriod(ev.period, s.endedAt),
  );
  const items = groupBy(done, (s) => s.item).map(([item, list]) => ({
    item: ITEM_TITLES[item] ?? item,
    services: list.length,
    enterprises: new Set(list.map((s) => s.enterprise.uscc)).size,
    costFen: sum(list, (s) => s.costFen ?? 0),
  }));
  const coverage = groupBy(
    ev.end.figures.serviceCoverage.filter(
      (r) => within(region, r.county) && (insurer === undefined || r.insurer === insurer),
    ),
    (r) => (insurer === undefined ? r.insurer : r.county),
  ).map(([k, list]) => {
    const inForce = sum(list, (r) => r.inForce);
    const ended = sum(list, (r) => r.ended);
    const endedComplete = sum(list, (r) => r.endedComplete);
    const training = sum(list, (r) => r.inForceTraining);
    const risk = sum(list, (r) => r.inForceRiskAssessment);
    return {
      group: insurer === undefined ? insurerTitle(k) : countyName(k),
      inForce,
      training,
      trainingRate: ratio(training, inForce),
      riskAssessment: risk,
      riskAssessmentRate: ratio(risk, inForce),
      ended,
      endedComplete,
      endedRate: ratio(endedComplete, ended),
    };
  });
  return {
    id: 'services',
    title: '事故预防服务',
    note: `本期完成的服务(按服务结束日期),及截至${ev.period.to}的服务覆盖率(济宁 七(十):安全培训、风险诊断覆盖率100%)。`,
    tables: [
      {
        title: '本期服务',
        columns: [
          { key: 'item', title: '服务项目', kind: 'text' },
          { key: 'services', title: '服务次数', kind: 'count' },
          { key: 'enterprises', title: '服务企业', kind: 'count' },
          { key: 'costFen', title: '服务费用', kind: 'fen' },
        ],
        rows: items,
        totals: {
          item: '合计',
          services: sum(items, (r) => r.services),
          enterprises: new Set(done.map((s) => s.enterprise.uscc)).size,
          costFen: sum(items, (r) => r.costFen),
        },
      },
      {
        title: '服务覆盖',
        columns: [
          { key: 'group', title: insurer === undefined ? '承保公司' : '县(市、区)', kind: 'text' },
          { key: 'inForce', title: '有效保单', kind: 'count' },
          { key: 'training', title: '已培训', kind: 'count' },
          { key: 'trainingRate', title: '培训覆盖率', kind: 'rate' },
          { key: 'riskAssessment', title: '已风险诊断', kind: 'count' },
          { key: 'riskAssessmentRate', title: '诊断覆盖率', kind: 'rate' },
          { key: 'ended', title: '到期保单', kind: 'count' },
          { key: 'endedComplete', title: '服务齐全', kind: 'count' },
          { key: 'endedRate', title: '到期保单服务完成率', kind: 'rate' },
        ],
        rows: coverage,
      },
    ],
    chart: barChart(
      '本期服务次数',
      items.map((r) => r.item),
      [{ name: '服务次数', values: items.map((r) => r.services) }],
      'count',
    ),
  };
}

function hazardsSection(ev: PeriodEvaluation, region: Region): ReportSection {
  const rows = groupBy(
    ev.end.figures.hazards.filter((r) => within(region, r.county)),
    (r) => r.level,
  ).map(([level, list]) => ({
    level: LEVEL_TITLES[level] ?? level,
    found: ev.records.hazard.filter(
      (h) => h.level === level && within(region, h.enterprise.regionCode) && inPeriod(ev.period, h.discoveredAt),
    ).length,
    reported: sum(list, (r) => r.reported),
    rectified: sum(list, (r) => r.rectified),
    overdue: sum(list, (r) => r.overdue),
  }));
  return {
    id: 'hazards',
    title: '隐患排查治理',
    note: `本期发现的隐患,及截至${ev.period.to}累计报送、已整改、逾期未整改的隐患。`,
    tables: [
      {
        columns: [
          { key: 'level', title: '隐患级别', kind: 'text' },
          { key: 'found', title: '本期发现', kind: 'count' },
          { key: 'reported', title: '累计报送', kind: 'count' },
          { key: 'rectified', title: '已整改', kind: 'count' },
          { key: 'overdue', title: '逾期未整改', kind: 'count' },
        ],
        rows,
        totals: {
          level: '合计',
          found: sum(rows, (r) => r.found),
          reported: sum(rows, (r) => r.reported),
          rectified: sum(rows, (r) => r.rectified),
          overdue: sum(rows, (r) => r.overdue),
        },
      },
    ],
  };
}

const gradeRank = (g: string) => (ACCIDENT_GRADES as readonly string[]).indexOf(g);

/** Accidents by county and grade (figures; for an insurer, its own accidents counted from the records). */
function accidentsSection(ev: PeriodEvaluation, region: Region, insurer?: string): ReportSection {
  type Line = {
    county: string;
    grade: string;
    occurred: number;
    accidents: number;
    deaths: number;
    seriousInjuries: number;
    minorInjuries: number;
    directLossFen: number;
    reportedLate: number;
  };
  let lines: Line[];
  const occurred = (county: string, grade: string) =>
    ev.records.accident.filter(
      (a) =>
        a.enterprise.regionCode === county &&
        a.grade === grade &&
        (insurer === undefined || a.insurer === insurer) &&
        inPeriod(ev.period, a.occurredAt),
    ).length;
  if (insurer === undefined) {
    lines = ev.end.figures.accidents
      .filter((r) => within(region, r.county))
      .map((r) => ({ ...r, occurred: occurred(r.county, r.grade) }));
  } else {
    const own = ev.records.accident.filter((a) => a.insurer === insurer && within(region, a.enterprise.regionCode));
    lines = groupBy(own, (a) => `${a.enterprise.regionCode}\u0000${a.grade}`).map(([k, list]) => {
      const [county, grade] = k.split('\u0000');
      return {
        county,
        grade,
        occurred: occurred(county, grade),
        accidents: list.length,
        deaths: sum(list, (a) => a.deaths),
        seriousInjuries: sum(list, (a) => a.seriousInjuries),
        minorInjuries: sum(list, (a) => a.minorInjuries),
        directLossFen: sum(list, (a) => a.directLossFen ?? 0),
        reportedLate: list.filter((a) => ev.lateAccidents.has(`${a.insurer}/${a.accidentId}`)).length,
      };
    });
  }
  lines.sort((a, b) => compareCodePoints(a.county, b.county) || gradeRank(a.grade) - gradeRank(b.grade));
  const rows = lines.map((l) => ({ ...l, county: countyName(l.county), grade: GRADE_TITLES[l.grade] ?? l.grade }));
  const columns = [
    { key: 'county', title: '县(市、区)', kind: 'text' as const },
    { key: 'grade', title: '事故等级', kind: 'text' as const },
    { key: 'occurred', title: '本期发生', kind: 'count' as const },
    { key: 'accidents', title: '累计事故', kind: 'count' as const },
    { key: 'deaths', title: '死亡', kind: 'count' as const },
    { key: 'seriousInjuries', title: '重伤', kind: 'count' as const },
    { key: 'minorInjuries', title: '轻伤', kind: 'count' as const },
    { key: 'directLossFen', title: '直接经济损失', kind: 'fen' as const },
    { key: 'reportedLate', title: '报告超时', kind: 'count' as const },
  ];
  const byGrade = groupBy(lines, (l) => String(gradeRank(l.grade)));
  return {
    id: 'accidents',
    title: '生产安全事故',
    note: '按县(市、区)和事故等级统计;报告超时指发生后超过1小时未向有关部门报告(《生产安全事故报告和调查处理条例》第九条)。',
    tables: [
      {
        columns,
        rows,
        totals: {
          county: '合计',
          grade: null,
          ...Object.fromEntries(
            columns.slice(2).map((c) => [c.key, sum(lines, (l) => l[c.key as keyof Line] as number)]),
          ),
        },
      },
    ],
    chart: barChart(
      '事故起数(按等级)',
      byGrade.map(([, list]) => GRADE_TITLES[list[0].grade] ?? list[0].grade),
      [{ name: '累计事故', values: byGrade.map(([, list]) => sum(list, (l) => l.accidents)) }],
      'count',
    ),
  };
}

function claimsSection(ev: PeriodEvaluation, region: Region, insurer?: string): ReportSection {
  const groups = groupBy(
    ev.end.figures.claims.filter((r) => within(region, r.county) && (insurer === undefined || r.insurer === insurer)),
    (r) => (insurer === undefined ? r.insurer : r.county),
  );
  const keys = ['claims', 'open', 'paid', 'rejected', 'withdrawn', 'paidFen', 'decisionLate', 'paymentLate'] as const;
  const rows = groups.map(([k, list]) => ({
    group: insurer === undefined ? insurerTitle(k) : countyName(k),
    ...(Object.fromEntries(keys.map((v) => [v, sum(list, (r) => r[v])])) as Record<(typeof keys)[number], number>),
  }));
  return {
    id: 'claims',
    title: '理赔(快速理赔)',
    note: '核定超期:资料齐全后30日内未核定;支付超期:达成协议后10日内未支付(保险法第二十三条;浙江 二(四) 快速理赔)。',
    tables: [
      {
        columns: [
          { key: 'group', title: insurer === undefined ? '承保公司' : '县(市、区)', kind: 'text' },
          { key: 'claims', title: '理赔案件', kind: 'count' },
          { key: 'open', title: '未结案', kind: 'count' },
          { key: 'paid', title: '已赔付', kind: 'count' },
          { key: 'rejected', title: '拒赔', kind: 'count' },
          { key: 'withdrawn', title: '撤案', kind: 'count' },
          { key: 'paidFen', title: '赔付金额', kind: 'fen' },
          { key: 'decisionLate', title: '核定超期', kind: 'count' },
          { key: 'paymentLate', title: '支付超期', kind: 'count' },
        ],
        rows,
        totals: { group: '合计', ...Object.fromEntries(keys.map((v) => [v, sum(rows, (r) => r[v])])) },
      },
    ],
    chart: barChart(
      '理赔案件',
      rows.map((r) => r.group),
      [
        { name: '已赔付', values: rows.map((r) => r.paid) },
        { name: '未结案', values: rows.map((r) => r.open) },
      ],
      'count',
    ),
  };
}

function findingsSection(ev: PeriodEvaluation, keep: (place: FindingPlace) => boolean): ReportSection {
  const counts = findingCounts(ev, keep).map((c) => ({
    rule: RULE_TITLES[c.rule],
    code: c.rule,
    open: c.open,
    opened: c.opened,
    resolved: c.resolved,
  }));
  return {
    id: 'findings',
    title: '发现的问题',
    note: `期末(${ev.period.to})仍存在的问题,本期新发现(上期末 ${ev.before.asOf} 尚无)与本期已整改(上期末存在、期末不再存在)的问题。`,
    tables: [
      {
        columns: [
          { key: 'rule', title: '问题类型', kind: 'text' },
          { key: 'code', title: '规则', kind: 'text' },
          { key: 'open', title: '期末存在', kind: 'count' },
          { key: 'opened', title: '本期新发现', kind: 'count' },
          { key: 'resolved', title: '本期已整改', kind: 'count' },
        ],
        rows: counts,
        totals: {
          rule: '合计',
          code: null,
          open: sum(counts, (r) => r.open),
          opened: sum(counts, (r) => r.opened),
          resolved: sum(counts, (r) => r.resolved),
        },
      },
    ],
    chart: barChart(
      '期末存在的问题',
      counts.map((c) => c.rule),
      [{ name: '期末存在', values: counts.map((c) => c.open) }],
      'count',
    ),
  };
}

/** Target progress (七(九); 浙江 三(一)): enterprises insured and premium in force at the period's end. */
function targetsSection(
  ev: PeriodEvaluation,
  city: string,
  scopes: { county?: string; insurer?: string },
): ReportSection {
  const targets = ev.targets.filter(
    (t) =>
      t.city === city &&
      ((scopes.county !== undefined && t.scope === 'county' && t.scopeId.startsWith(scopes.county)) ||
        (scopes.insurer !== undefined && t.scope === 'insurer' && t.scopeId === scopes.insurer)),
  );
  const prefix = city.slice(0, 4);
  const rows = targets.map((t) => {
    const county = t.scope === 'county' ? t.scopeId : null;
    const premiumRows = ev.end.figures.premium.filter((r) =>
      county !== null ? r.county === county : r.insurer === t.scopeId && r.county.startsWith(prefix),
    );
    // A county's target counts insured enterprises; an insurer's, its policies in force on the last day (the
    // premium figure counts exactly those, by the county of the policy's enterprise).
    const insured =
      county !== null
        ? sum(
            ev.end.figures.coverage.filter((r) => r.county === county),
            (r) => r.insured + r.unregisteredInsured,
          )
        : sum(premiumRows, (r) => r.policies);
    const premium = sum(premiumRows, (r) => r.premiumFen);
    return {
      scope: county !== null ? countyName(county) : insurerTitle(t.scopeId),
      targetInsured: t.insured,
      insured,
      insuredProgress: t.insured ? ratio(insured, t.insured) : null,
      targetPremiumFen: t.premiumFen,
      premiumFen: premium,
      premiumProgress: t.premiumFen ? ratio(premium, t.premiumFen) : null,
    };
  });
  return {
    id: 'targets',
    title: '目标任务进度',
    note: rows.length
      ? `${ev.period.to.slice(0, 4)}年度目标(济宁 七(九);浙江 三(一) 目标考核):截至${ev.period.to}在保企业与有效保费。`
      : `${ev.period.to.slice(0, 4)}年度尚未下达目标任务(济宁 七(九))。`,
    tables: [
      {
        columns: [
          { key: 'scope', title: '单位', kind: 'text' },
          { key: 'targetInsured', title: '目标在保企业', kind: 'count' },
          { key: 'insured', title: '在保企业', kind: 'count' },
          { key: 'insuredProgress', title: '完成率', kind: 'rate' },
          { key: 'targetPremiumFen', title: '目标保费', kind: 'fen' },
          { key: 'premiumFen', title: '有效保费', kind: 'fen' },
          { key: 'premiumProgress', title: '保费完成率', kind: 'rate' },
        ],
        rows,
      },
    ],
  };
}

function ledgerSection(ev: PeriodEvaluation, region: Region, insurer: string): ReportSection {
  const rows = ev.end.figures.ledger
    .filter((r) => r.insurer === insurer && within(region, r.county))
    .sort((a, b) => compareCodePoints(a.quarter, b.quarter) || compareCodePoints(a.county, b.county))
    .map((r) => ({
      quarter: r.quarter,
      county: countyName(r.county),
      premiumFen: r.premiumFen,
      requiredFen: r.requiredFen,
      reportedFen: r.reportedFen,
      spendFen: r.spendFen,
      balanceFen: r.balanceFen,
    }));
  const nullableSum = (pick: (r: (typeof rows)[number]) => number | null) =>
    rows.some((r) => pick(r) !== null) ? sum(rows, (r) => pick(r) ?? 0) : null;
  return {
    id: 'ledger',
    title: '事故预防费用台账',
    note: '按保单起保季度计提(济宁 七(七):按保费的5%提取;浙江 二(四) 专门台账、专款专用);支出按服务结束季度。',
    tables: [
      {
        columns: [
          { key: 'quarter', title: '季度', kind: 'text' },
          { key: 'county', title: '县(市、区)', kind: 'text' },
          { key: 'premiumFen', title: '保费', kind: 'fen' },
          { key: 'requiredFen', title: '应提取', kind: 'fen' },
          { key: 'reportedFen', title: '已提取', kind: 'fen' },
          { key: 'spendFen', title: '已使用', kind: 'fen' },
          { key: 'balanceFen', title: '结余', kind: 'fen' },
        ],
        rows,
        totals: {
          quarter: '合计',
          county: null,
          premiumFen: sum(rows, (r) => r.premiumFen),
          requiredFen: nullableSum((r) => r.requiredFen),
          reportedFen: sum(rows, (r) => r.reportedFen),
          spendFen: sum(rows, (r) => r.spendFen),
          balanceFen: sum(rows, (r) => r.balanceFen),
        },
      },
    ],
  };
}

function ladderSection(ev: PeriodEvaluation, insurer: string): ReportSection {
  const position = ev.ladder.find((p) => p.insurer === insurer);
  const counted = (position?.findings ?? []).map((f) => {
    const [rule, key] = f.split(' ');
    return { rule: RULE_TITLES[rule as SupervisionRuleId] ?? rule, code: rule, key };
  });
  const year = Number(ev.period.to.slice(0, 4));
  const table: ReportTable = {
    title: '违规记录',
    columns: [
      { key: 'year', title: '年度', kind: 'text' },
      { key: 'violations', title: '认定违规', kind: 'count' },
      { key: 'feeUnderAccrued', title: '未足额提取预防费用', kind: 'count' },
      { key: 'stage', title: '处理阶段', kind: 'text' },
    ],
    rows: [
      {
        year: String(year),
        violations: position?.violations ?? 0,
        feeUnderAccrued: position?.feeUnderAccrued ?? 0,
        stage: position?.stageName ?? '无',
      },
    ],
  };
  return {
    id: 'ladder',
    title: '违规处理(通报批评 → 警告 → 退出市场审查)',
    note: `济宁 七(八):部门认定的${[...LADDER_RULES].map((r) => RULE_TITLES[r]).join('、')}等违规,1次通报批评,2次警告;第3次或任一${RULE_TITLES[MARKET_EXIT_RULE]}进入退出市场审查。`,
    tables: [
      table,
      {
        title: '计入的认定问题',
        columns: [
          { key: 'rule', title: '问题类型', kind: 'text' },
          { key: 'code', title: '规则', kind: 'text' },
          { key: 'key', title: '保单', kind: 'text' },
        ],
        rows: counted,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------------------------

function coverageSummary(ev: PeriodEvaluation, region: Region): string {
  const lines = coverageLines(ev, region, 'county');
  const total = totalCoverage(lines);
  const before = ev.before.figures.coverage.filter((r) => within(region, r.county));
  const rateBefore = coverageRate(
    sum(before, (r) => r.insured + r.riskDeposit),
    sum(before, (r) => r.registered),
  );
  const delta = change(total.rate, rateBefore);
  return (
    `截至${ev.period.to},应保企业 ${formatCount(total.registered)} 家,在保 ${formatCount(total.insured)} 家,` +
    `风险抵押金 ${formatCount(total.riskDeposit)} 家,投保率 ${total.rate === null ? '—' : formatRate(total.rate)}` +
    (delta === null ? '' : `(较上期末 ${formatPercentChange(delta)})`) +
    `;未投保 ${total.uninsured} 家、脱保 ${total.lapsed} 家、退保 ${total.surrendered} 家。`
  );
}

function activitySummary(ev: PeriodEvaluation, region: Region, insurer?: string): string {
  const started = newAndRenewed(ev, region, insurer);
  const premium = sum(started, (s) => s.policy.premium.amountFen);
  const findings = findingCounts(
    ev,
    (f) => within(region, f.regionCode) && (insurer === undefined || f.insurer === insurer),
  );
  return (
    `本期新增保单 ${started.filter((s) => !s.renewal).length} 份、续保 ${started.filter((s) => s.renewal).length} 份,` +
    `保费 ${formatFen(premium)} 元;发现问题 ${sum(findings, (f) => f.opened)} 个,整改 ${sum(findings, (f) => f.resolved)} 个,` +
    `期末存在 ${sum(findings, (f) => f.open)} 个。`
  );
}

const base = (ev: PeriodEvaluation) => ({
  period: { from: ev.period.from, to: ev.period.to, label: ev.period.label, code: ev.period.code },
  generatedAt: ev.generatedAt,
  watermark: REPORT_MARKING,
});

/** 周报 (七(二)): a county-level jurisdiction's previous Monday–Sunday. */
export function weeklyReport(ev: PeriodEvaluation, county: string): ReportDocument {
  const region = countyRegion(county);
  const keep = (f: FindingPlace) => within(region, f.regionCode);
  return {
    kind: 'weekly',
    title: '安全生产责任保险工作周报',
    scopeName: `${region.name}应急管理局`,
    scopeCode: county,
    scopeShortName: region.name,
    ...base(ev),
    summary: [coverageSummary(ev, region), activitySummary(ev, region)],
    sections: [
      coverageSection(ev, region, 'sector'),
      newPoliciesSection(ev, region),
      premiumSection(ev, region),
      servicesSection(ev, region),
      hazardsSection(ev, region),
      accidentsSection(ev, region),
      claimsSection(ev, region),
      findingsSection(ev, keep),
      targetsSection(ev, cityOf(county), { county }),
    ],
  };
}

/** 工作简报 (七(二)): the city's roll-up of its counties for the week. */
export function cityBulletin(ev: PeriodEvaluation, city: string): ReportDocument {
  const region = cityRegion(city);
  return {
    kind: 'city-bulletin',
    title: '安全生产责任保险工作简报',
    scopeName: `${region.name}应急管理局`,
    scopeCode: city,
    scopeShortName: region.name,
    ...base(ev),
    summary: [coverageSummary(ev, region), activitySummary(ev, region)],
    sections: [
      coverageSection(ev, region, 'county'),
      newPoliciesSection(ev, region),
      premiumSection(ev, region),
      servicesSection(ev, region),
      hazardsSection(ev, region),
      accidentsSection(ev, region),
      claimsSection(ev, region),
      findingsSection(ev, (f) => within(region, f.regionCode)),
      targetsSection(ev, city, { county: region.prefix }),
    ],
  };
}

/** 月度讲评 (七(三) 联席会议): one insurer's month in a city. */
export function monthlyScorecard(ev: PeriodEvaluation, city: string, insurer: string): ReportDocument {
  const region = cityRegion(city);
  const keep = (f: FindingPlace) => within(region, f.regionCode) && f.insurer === insurer;
  const s = activitySummary(ev, region, insurer);
  return {
    kind: 'monthly-scorecard',
    title: `安全生产责任保险月度讲评 · ${insurerTitle(insurer)}`,
    scopeName: `${region.name}应急管理局`,
    scopeCode: `${city}-${insurer}`,
    scopeShortName: `${region.name}-${insurerTitle(insurer)}`,
    ...base(ev),
    summary: [`承保公司:${insurerTitle(insurer)}(${insurer})。`, s],
    sections: [
      premiumSection(ev, region, insurer),
      newPoliciesSection(ev, region, insurer),
      servicesSection(ev, region, insurer),
      ledgerSection(ev, region, insurer),
      accidentsSection(ev, region, insurer),
      claimsSection(ev, region, insurer),
      findingsSection(ev, keep),
      ladderSection(ev, insurer),
      targetsSection(ev, city, { insurer }),
    ],
  };
}

/** Which reports a period has: every county with figures, their cities, and each city's insurers. */
export function reportScopes(ev: PeriodEvaluation): {
  counties: string[];
  cities: string[];
  insurers: Map<string, string[]>;
} {
  const f = ev.end.figures;
  const counties = new Set<string>();
  for (const rows of [f.coverage, f.premium, f.hazards, f.accidents, f.claims, f.serviceCoverage, f.headcount])
    for (const r of rows) if (/^\d{6}$/.test(r.county) && !r.county.endsWith('00')) counties.add(r.county);
  const insurers = new Map<string, Set<string>>();
  for (const rows of [f.premium, f.serviceCoverage, f.claims, f.ledger])
    for (const r of rows) {
      if (!/^\d{6}$/.test(r.county)) continue;
      const city = cityOf(r.county);
      const set = insurers.get(city) ?? new Set<string>();
      set.add(r.insurer);
      insurers.set(city, set);
    }
  const sorted = (s: Iterable<string>) => [...s].sort(compareCodePoints);
  return {
    counties: sorted(counties),
    cities: sorted(new Set([...counties].map(cityOf))),
    insurers: new Map([...insurers.entries()].map(([c, s]) => [c, sorted(s)])),
  };
}

/** The coverage rate change of a period's weekly report at a county (what the summary prints). */
export function coverageChange(ev: PeriodEvaluation, county: string): number | null {
  const region = countyRegion(county);
  const end = ev.end.figures.coverage.filter((r) => within(region, r.county));
  const before = ev.before.figures.coverage.filter((r) => within(region, r.county));
  return change(
    coverageRate(
      sum(end, (r) => r.insured + r.riskDeposit),
      sum(end, (r) => r.registered),
    ),
    coverageRate(
      sum(before, (r) => r.insured + r.riskDeposit),
      sum(before, (r) => r.registered),
    ),
  );
}
