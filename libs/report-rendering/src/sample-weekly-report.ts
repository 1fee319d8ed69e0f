import type { ReportDocument, ReportRow } from './report-document';
import { formatCount, formatFen, formatRate } from './report-values';

/*
 * A realistic weekly report (Jining 七(二)) of 任城区 for ISO week 2026-W49, with the sections the supervision service
 * fills: coverage, new and renewed policies, premium, prevention services, hazards, findings and target progress.
 * Used by the tests of this lib and by `npm run reports:sample`, which renders the page image in docs/reports.md.
 * Figures are made up but consistent: totals are sums of the rows and rates follow SUPERVISION.md's definition.
 */

/** (insured + riskDeposit) / registered, half up to 4 decimals in integers (SUPERVISION.md "Figures"). */
function coverageRate(insured: number, riskDeposit: number, registered: number): number | null {
  if (registered === 0) return null;
  return Math.floor((20000 * (insured + riskDeposit) + registered) / (2 * registered)) / 10000;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10000) / 10000;
}

function sum<T>(rows: readonly T[], pick: (row: T) => number): number {
  return rows.reduce((total, row) => total + pick(row), 0);
}

interface SectorCoverage {
  sector: string;
  registered: number;
  insured: number;
  riskDeposit: number;
  uninsured: number;
  lapsed: number;
  surrendered: number;
  insuredLastWeek: number;
}

const COVERAGE: SectorCoverage[] = [
  {
    sector: '危险化学品',
    registered: 146,
    insured: 131,
    riskDeposit: 4,
    uninsured: 6,
    lapsed: 3,
    surrendered: 2,
    insuredLastWeek: 128,
  },
  {
    sector: '非煤矿山',
    registered: 23,
    insured: 21,
    riskDeposit: 1,
    uninsured: 1,
    lapsed: 0,
    surrendered: 0,
    insuredLastWeek: 21,
  },
  {
    sector: '烟花爆竹',
    registered: 38,
    insured: 35,
    riskDeposit: 0,
    uninsured: 2,
    lapsed: 1,
    surrendered: 0,
    insuredLastWeek: 36,
  },
  {
    sector: '金属冶炼',
    registered: 17,
    insured: 14,
    riskDeposit: 0,
    uninsured: 2,
    lapsed: 1,
    surrendered: 0,
    insuredLastWeek: 13,
  },
  {
    sector: '建筑施工',
    registered: 212,
    insured: 187,
    riskDeposit: 0,
    uninsured: 15,
    lapsed: 7,
    surrendered: 3,
    insuredLastWeek: 179,
  },
  {
    sector: '道路运输',
    registered: 164,
    insured: 149,
    riskDeposit: 0,
    uninsured: 9,
    lapsed: 4,
    surrendered: 2,
    insuredLastWeek: 147,
  },
  {
    sector: '城镇燃气',
    registered: 12,
    insured: 12,
    riskDeposit: 0,
    uninsured: 0,
    lapsed: 0,
    surrendered: 0,
    insuredLastWeek: 12,
  },
  {
    sector: '粉尘涉爆',
    registered: 41,
    insured: 33,
    riskDeposit: 0,
    uninsured: 5,
    lapsed: 2,
    surrendered: 1,
    insuredLastWeek: 31,
  },
  {
    sector: '机械制造',
    registered: 58,
    insured: 46,
    riskDeposit: 0,
    uninsured: 8,
    lapsed: 3,
    surrendered: 1,
    insuredLastWeek: 45,
  },
];

interface InsurerWeek {
  insurer: string;
  newPolicies: number;
  renewed: number;
  dueThisWeek: number;
  notRenewed: number;
  policiesInForce: number;
  premiumFen: number;
  newPremiumFen: number;
  targetEnterprises: number;
  targetPremiumFen: number;
}

const INSURERS: InsurerWeek[] = [
  {
    insurer: '人保财险济宁市分公司',
    newPolicies: 11,
    renewed: 27,
    dueThisWeek: 31,
    notRenewed: 4,
    policiesInForce: 341,
    premiumFen: 318_742_650,
    newPremiumFen: 6_834_120,
    targetEnterprises: 380,
    targetPremiumFen: 360_000_000,
  },
  {
    insurer: '太平洋财险济宁中心支公司',
    newPolicies: 5,
    renewed: 9,
    dueThisWeek: 11,
    notRenewed: 2,
    policiesInForce: 187,
    premiumFen: 146_381_500,
    newPremiumFen: 2_975_300,
    targetEnterprises: 205,
    targetPremiumFen: 160_000_000,
  },
  {
    insurer: '大地财险济宁中心支公司',
    newPolicies: 2,
    renewed: 5,
    dueThisWeek: 6,
    notRenewed: 1,
    policiesInForce: 72,
    premiumFen: 58_930_075,
    newPremiumFen: 1_104_600,
    targetEnterprises: 80,
    targetPremiumFen: 62_000_000,
  },
  {
    insurer: '平安财险济宁中心支公司',
    newPolicies: 1,
    renewed: 2,
    dueThisWeek: 3,
    notRenewed: 1,
    policiesInForce: 28,
    premiumFen: 21_407_800,
    newPremiumFen: 415_000,
    targetEnterprises: 40,
    targetPremiumFen: 30_000_000,
  },
];

const SERVICES = [
  { item: '安全培训', week: 23, year: 612, covered: 503 },
  { item: '风险评估', week: 17, year: 498, covered: 457 },
  { item: '隐患排查', week: 31, year: 774, covered: 541 },
  { item: '应急演练', week: 6, year: 129, covered: 118 },
  { item: '标准化建设', week: 2, year: 41, covered: 39 },
];

const HAZARDS = [
  { level: '一般隐患', reported: 47, rectified: 39, overdue: 5 },
  { level: '重大隐患', reported: 2, rectified: 1, overdue: 1 },
];

const FINDINGS = [
  { rule: 'UNINSURED', title: '应保未保', opened: 3, resolved: 5, open: 48 },
  { rule: 'LAPSED', title: '到期脱保', opened: 4, resolved: 6, open: 21 },
  { rule: 'SURRENDERED', title: '中途退保', opened: 1, resolved: 0, open: 9 },
  { rule: 'SERVICE_MISSING', title: '未按规定提供预防服务', opened: 6, resolved: 4, open: 17 },
  { rule: 'FEE_UNDER_ACCRUED', title: '事故预防费用提取不足', opened: 1, resolved: 0, open: 2 },
  { rule: 'HAZARD_OVERDUE', title: '隐患逾期未整改', opened: 2, resolved: 1, open: 6 },
  { rule: 'RATE_BELOW_FLOOR', title: '费率低于基准费率', opened: 0, resolved: 1, open: 1 },
];

const OPEN_ITEMS: ReportRow[] = [
  {
    enterprise: '济宁市任城区鑫源化工有限公司',
    uscc: '91370811MA3C4E7X2K',
    problem: '重大隐患逾期未整改',
    since: '2026-11-18',
    insurer: '人保财险济宁市分公司',
  },
  {
    enterprise: '济宁华泰建筑工程有限公司',
    uscc: '91370811MA3DPL6W8R',
    problem: '保单到期未续保',
    since: '2026-11-21',
    insurer: '太平洋财险济宁中心支公司',
  },
  {
    enterprise: '任城区安达危险货物运输有限公司',
    uscc: '91370811MA3F0Q1N5U',
    problem: '未按规定提供风险评估',
    since: '2026-11-27',
    insurer: '人保财险济宁市分公司',
  },
  {
    enterprise: '济宁市宏图机械制造有限公司',
    uscc: '91370811MA3H2K9T1B',
    problem: '应保未保',
    since: '2026-12-02',
    insurer: null,
  },
];

/** The sample weekly report of 任城区应急管理局 for 2026-W49 (2026-11-30 to 2026-12-06). */
export function sampleWeeklyReport(): ReportDocument {
  const coverageRows: ReportRow[] = COVERAGE.map((c) => ({
    sector: c.sector,
    registered: c.registered,
    insured: c.insured,
    riskDeposit: c.riskDeposit,
    uninsured: c.uninsured,
    lapsed: c.lapsed,
    surrendered: c.surrendered,
    rate: coverageRate(c.insured, c.riskDeposit, c.registered),
    change:
      c.insuredLastWeek === 0
        ? null
        : Math.round(((c.insured - c.insuredLastWeek) / c.insuredLastWeek) * 10000) / 10000,
  }));
  const total = (pick: (c: SectorCoverage) => number): number => sum(COVERAGE, pick);
  const registered = total((c) => c.registered);
  const insured = total((c) => c.insured);
  const riskDeposit = total((c) => c.riskDeposit);
  const insuredLastWeek = total((c) => c.insuredLastWeek);
  const rate = coverageRate(insured, riskDeposit, registered) ?? 0;

  const premiumTotal = sum(INSURERS, (i) => i.premiumFen);
  const newPremiumTotal = sum(INSURERS, (i) => i.newPremiumFen);
  const newPolicies = sum(INSURERS, (i) => i.newPolicies);
  const renewed = sum(INSURERS, (i) => i.renewed);
  const inForce = sum(INSURERS, (i) => i.policiesInForce);
  const hazardsReported = sum(HAZARDS, (h) => h.reported);
  const hazardsRectified = sum(HAZARDS, (h) => h.rectified);

  return {
    kind: 'weekly',
    title: '安全生产责任保险工作周报',
    scopeName: '任城区应急管理局',
    scopeCode: '370811',
    scopeShortName: '任城区',
    period: { from: '2026-11-30', to: '2026-12-06', label: '2026年第49周(11月30日—12月6日)' },
    generatedAt: '2026-12-07T08:00:00+08:00',
    watermark: '内部资料 注意保密',
    summary: [
      `截至12月6日，全区登记应保企业 ${formatCount(registered)} 家，在保 ${formatCount(insured)} 家、缴存风险抵押金 ${riskDeposit} 家，投保率 ${formatRate(rate)}。`,
      `本周新增投保 ${newPolicies} 家、续保 ${renewed} 家，新增保费 ${formatFen(newPremiumTotal)} 元；在保保单保费合计 ${formatFen(premiumTotal)} 元。`,
      `本周上报隐患 ${hazardsReported} 项、整改 ${hazardsRectified} 项；新发现问题 ${sum(FINDINGS, (f) => f.opened)} 个、办结 ${sum(FINDINGS, (f) => f.resolved)} 个。`,
    ],
    sections: [
      {
        id: 'coverage',
        title: '投保概况',
        note: '投保率 =（在保企业 + 风险抵押金企业）÷ 登记企业；在保环比为在保企业数较上周末的变化。',
        tables: [
          {
            title: '分行业投保情况（截至12月6日）',
            columns: [
              { key: 'sector', title: '行业', kind: 'text' },
              { key: 'registered', title: '登记企业', kind: 'count' },
              { key: 'insured', title: '在保', kind: 'count' },
              { key: 'riskDeposit', title: '风险抵押金', kind: 'count' },
              { key: 'uninsured', title: '未投保', kind: 'count' },
              { key: 'lapsed', title: '脱保', kind: 'count' },
              { key: 'surrendered', title: '退保', kind: 'count' },
              { key: 'rate', title: '投保率', kind: 'rate' },
              { key: 'change', title: '在保环比', kind: 'percentChange' },
            ],
            rows: coverageRows,
            totals: {
              sector: '合计',
              registered,
              insured,
              riskDeposit,
              uninsured: total((c) => c.uninsured),
              lapsed: total((c) => c.lapsed),
              surrendered: total((c) => c.surrendered),
              rate,
              change: Math.round(((insured - insuredLastWeek) / insuredLastWeek) * 10000) / 10000,
            },
          },
        ],
        chart: {
          type: 'bar',
          title: '分行业投保率',
          categories: COVERAGE.map((c) => c.sector),
          series: [{ name: '投保率', values: coverageRows.map((r) => r.rate as number) }],
          valueKind: 'rate',
        },
      },
      {
        id: 'policies',
        title: '新增与续保',
        tables: [
          {
            columns: [
              { key: 'insurer', title: '承保公司', kind: 'text' },
              { key: 'newPolicies', title: '新增投保', kind: 'count' },
              { key: 'renewed', title: '续保', kind: 'count' },
              { key: 'due', title: '本周到期', kind: 'count' },
              { key: 'notRenewed', title: '到期未续保', kind: 'count' },
              { key: 'renewalRate', title: '续保率', kind: 'rate' },
            ],
            rows: INSURERS.map((i) => ({
              insurer: i.insurer,
              newPolicies: i.newPolicies,
              renewed: i.renewed,
              due: i.dueThisWeek,
              notRenewed: i.notRenewed,
              renewalRate: ratio(i.dueThisWeek - i.notRenewed, i.dueThisWeek),
            })),
            totals: {
              insurer: '合计',
              newPolicies,
              renewed,
              due: sum(INSURERS, (i) => i.dueThisWeek),
              notRenewed: sum(INSURERS, (i) => i.notRenewed),
              renewalRate: ratio(
                sum(INSURERS, (i) => i.dueThisWeek - i.notRenewed),
                sum(INSURERS, (i) => i.dueThisWeek),
              ),
            },
          },
        ],
        chart: {
          type: 'bar',
          title: '本周新增与续保（件）',
          categories: INSURERS.map((i) => i.insurer.replace(/财险.*$/, '')),
          series: [
            { name: '新增投保', values: INSURERS.map((i) => i.newPolicies) },
            { name: '续保', values: INSURERS.map((i) => i.renewed) },
          ],
        },
      },
      {
        id: 'premium',
        title: '保费',
        note: '按属地统计（济宁 七(六)）：在保保单的保费，单位元。',
        tables: [
          {
            columns: [
              { key: 'insurer', title: '承保公司', kind: 'text' },
              { key: 'policies', title: '在保保单', kind: 'count' },
              { key: 'premium', title: '保费', kind: 'fen' },
              { key: 'newPremium', title: '本周新增保费', kind: 'fen' },
              { key: 'share', title: '保费占比', kind: 'rate' },
            ],
            rows: INSURERS.map((i) => ({
              insurer: i.insurer,
              policies: i.policiesInForce,
              premium: i.premiumFen,
              newPremium: i.newPremiumFen,
              share: ratio(i.premiumFen, premiumTotal),
            })),
            totals: {
              insurer: '合计',
              policies: inForce,
              premium: premiumTotal,
              newPremium: newPremiumTotal,
              share: 1,
            },
          },
        ],
        chart: {
          type: 'pie',
          title: '保费构成（元）',
          categories: INSURERS.map((i) => i.insurer.replace(/财险.*$/, '')),
          series: [{ name: '保费', values: INSURERS.map((i) => i.premiumFen) }],
          valueKind: 'fen',
        },
      },
      {
        id: 'services',
        title: '预防服务',
        note: '事故预防服务按服务项目统计；覆盖率为年内接受过该项服务的在保企业占在保企业的比例。',
        tables: [
          {
            columns: [
              { key: 'item', title: '服务项目', kind: 'text' },
              { key: 'week', title: '本周完成', kind: 'count' },
              { key: 'year', title: '年内累计', kind: 'count' },
              { key: 'covered', title: '覆盖在保企业', kind: 'count' },
              { key: 'coverage', title: '覆盖率', kind: 'rate' },
            ],
            rows: SERVICES.map((s) => ({ ...s, coverage: ratio(s.covered, inForce) })),
            totals: {
              item: '合计',
              week: sum(SERVICES, (s) => s.week),
              year: sum(SERVICES, (s) => s.year),
              covered: null,
              coverage: null,
            },
          },
        ],
        chart: {
          type: 'bar',
          title: '本周预防服务（次）',
          categories: SERVICES.map((s) => s.item),
          series: [{ name: '本周完成', values: SERVICES.map((s) => s.week) }],
        },
      },
      {
        id: 'hazards',
        title: '隐患',
        tables: [
          {
            columns: [
              { key: 'level', title: '隐患等级', kind: 'text' },
              { key: 'reported', title: '本周上报', kind: 'count' },
              { key: 'rectified', title: '本周整改', kind: 'count' },
              { key: 'overdue', title: '逾期未整改', kind: 'count' },
              { key: 'rate', title: '整改率', kind: 'rate' },
            ],
            rows: HAZARDS.map((h) => ({ ...h, rate: ratio(h.rectified, h.reported) })),
            totals: {
              level: '合计',
              reported: hazardsReported,
              rectified: hazardsRectified,
              overdue: sum(HAZARDS, (h) => h.overdue),
              rate: ratio(hazardsRectified, hazardsReported),
            },
          },
        ],
        chart: {
          type: 'bar',
          title: '隐患上报与整改（项）',
          categories: HAZARDS.map((h) => h.level),
          series: [
            { name: '本周上报', values: HAZARDS.map((h) => h.reported) },
            { name: '本周整改', values: HAZARDS.map((h) => h.rectified) },
            { name: '逾期未整改', values: HAZARDS.map((h) => h.overdue) },
          ],
        },
      },
      {
        id: 'findings',
        title: '发现的问题',
        note: '规则包 jining@1 发现的问题：本周新增与办结；未办结为周末时点数。',
        tables: [
          {
            title: '按规则',
            columns: [
              { key: 'title', title: '问题类型', kind: 'text' },
              { key: 'rule', title: '规则', kind: 'text' },
              { key: 'opened', title: '本周新增', kind: 'count' },
              { key: 'resolved', title: '本周办结', kind: 'count' },
              { key: 'open', title: '未办结', kind: 'count' },
            ],
            rows: FINDINGS.map((f) => ({
              title: f.title,
              rule: f.rule,
              opened: f.opened,
              resolved: f.resolved,
              open: f.open,
            })),
            totals: {
              title: '合计',
              rule: null,
              opened: sum(FINDINGS, (f) => f.opened),
              resolved: sum(FINDINGS, (f) => f.resolved),
              open: sum(FINDINGS, (f) => f.open),
            },
          },
          {
            title: '重点督办事项',
            columns: [
              { key: 'enterprise', title: '企业', kind: 'text' },
              { key: 'uscc', title: '统一社会信用代码', kind: 'text' },
              { key: 'problem', title: '问题', kind: 'text' },
              { key: 'since', title: '发现日期', kind: 'date' },
              { key: 'insurer', title: '承保公司', kind: 'text' },
            ],
            rows: OPEN_ITEMS,
          },
        ],
        chart: {
          type: 'bar',
          title: '本周新增与办结（个）',
          categories: FINDINGS.map((f) => f.title),
          series: [
            { name: '本周新增', values: FINDINGS.map((f) => f.opened) },
            { name: '本周办结', values: FINDINGS.map((f) => f.resolved) },
          ],
        },
      },
      {
        id: 'targets',
        title: '目标进度',
        note: '年度目标由市应急管理局下达（济宁 七(九)）；完成情况为截至本周末的在保企业数与保费。',
        tables: [
          {
            columns: [
              { key: 'insurer', title: '承保公司', kind: 'text' },
              { key: 'targetEnterprises', title: '目标企业数', kind: 'count' },
              { key: 'enterprises', title: '在保企业', kind: 'count' },
              { key: 'enterpriseProgress', title: '企业完成率', kind: 'rate' },
              { key: 'targetPremium', title: '保费目标', kind: 'fen' },
              { key: 'premium', title: '实收保费', kind: 'fen' },
              { key: 'premiumProgress', title: '保费完成率', kind: 'rate' },
            ],
            rows: INSURERS.map((i) => ({
              insurer: i.insurer,
              targetEnterprises: i.targetEnterprises,
              enterprises: i.policiesInForce,
              enterpriseProgress: ratio(i.policiesInForce, i.targetEnterprises),
              targetPremium: i.targetPremiumFen,
              premium: i.premiumFen,
              premiumProgress: ratio(i.premiumFen, i.targetPremiumFen),
            })),
            totals: {
              insurer: '合计',
              targetEnterprises: sum(INSURERS, (i) => i.targetEnterprises),
              enterprises: inForce,
              enterpriseProgress: ratio(
                inForce,
                sum(INSURERS, (i) => i.targetEnterprises),
              ),
              targetPremium: sum(INSURERS, (i) => i.targetPremiumFen),
              premium: premiumTotal,
              premiumProgress: ratio(
                premiumTotal,
                sum(INSURERS, (i) => i.targetPremiumFen),
              ),
            },
          },
        ],
        chart: {
          type: 'bar',
          title: '年度目标完成率',
          categories: INSURERS.map((i) => i.insurer.replace(/财险.*$/, '')),
          series: [
            { name: '企业完成率', values: INSURERS.map((i) => ratio(i.policiesInForce, i.targetEnterprises)) },
            { name: '保费完成率', values: INSURERS.map((i) => ratio(i.premiumFen, i.targetPremiumFen)) },
          ],
          valueKind: 'rate',
        },
      },
    ],
  };
}
