/*
 * The format-neutral model of a report a department files upward (Jining 七(二) weekly report, the city's 工作简报,
 * the monthly 联席会议 scorecard of 七(三)). Plain data: the supervision service fills it, the renderers in this lib
 * turn it into CSV, XLSX and PDF. Amounts are integer fen, rates fractions (0.8734), dates ISO `YYYY-MM-DD`.
 */

/** Which report this is; decides the file name's label and period code (see report-file-name.ts). */
export type ReportKind = 'weekly' | 'city-bulletin' | 'monthly-scorecard' | 'custom';

/**
 * How a column's values are stored and shown:
 * - `text`: a string, shown as is;
 * - `count`: an integer, shown with thousands separators (`1,234`);
 * - `fen`: an integer amount in fen, shown as 元 with 2 decimals (`1,234.56`; XLSX `#,##0.00"元"`);
 * - `rate`: a fraction, shown as a percentage with 2 decimals (0.8734 → `87.34%`);
 * - `percentChange`: a signed fraction, shown with its sign (0.012 → `+1.20%`, −0.005 → `-0.50%`);
 * - `date`: an ISO date `YYYY-MM-DD`.
 * A cell may be null (no value, e.g. a rate over no registered enterprise): shown empty in CSV/XLSX, `—` in PDF.
 */
export type ReportColumnKind = 'text' | 'count' | 'fen' | 'rate' | 'percentChange' | 'date';

export const REPORT_COLUMN_KINDS: readonly ReportColumnKind[] = [
  'text',
  'count',
  'fen',
  'rate',
  'percentChange',
  'date',
];

export interface ReportColumn {
  /** Key of the value in each row. */
  key: string;
  /** Heading in Chinese, without the unit: renderers add （元） to a `fen` column's heading. */
  title: string;
  kind: ReportColumnKind;
}

export type ReportCell = string | number | null;
export type ReportRow = Readonly<Record<string, ReportCell>>;

export interface ReportTable {
  title?: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** Totals row, drawn last and bold; its first text column usually holds 合计. */
  totals?: ReportRow;
}

export type ReportChartType = 'bar' | 'line' | 'pie';

export interface ReportChartSeries {
  name: string;
  /** One value per category; null for a gap. */
  values: (number | null)[];
}

export interface ReportChart {
  type: ReportChartType;
  title: string;
  categories: string[];
  series: ReportChartSeries[];
  /** Unit of the values (as in a column): fen are drawn as 元, rates as percentages. Default `count`. */
  valueKind?: 'count' | 'fen' | 'rate';
}

export interface ReportSection {
  /** Stable identifier (ASCII), e.g. `coverage`. */
  id: string;
  title: string;
  note?: string;
  tables: ReportTable[];
  /** At most one chart per section; the PDF draws it below the tables. */
  chart?: ReportChart;
}

export interface ReportPeriod {
  /** First day, ISO `YYYY-MM-DD` (Beijing date). */
  from: string;
  /** Last day, inclusive, ISO `YYYY-MM-DD`. */
  to: string;
  /** How the period is named in the report, e.g. `2026年第49周(12月1日—12月7日)`. */
  label: string;
  /** Code used in file names (`2026-W49`, `2026-11`); derived from kind and dates when absent. */
  code?: string;
}

export interface ReportDocument {
  kind: ReportKind;
  /** Title in Chinese, e.g. `安全生产责任保险工作周报`. */
  title: string;
  /** The filing department, e.g. `任城区应急管理局`. */
  scopeName: string;
  /** Its region code, e.g. `370811`; used for the ASCII file name. */
  scopeCode?: string;
  /** Short name for file names, e.g. `任城区`; defaults to scopeName. */
  scopeShortName?: string;
  period: ReportPeriod;
  /** When the figures were computed: an ISO 8601 timestamp with offset, e.g. `2026-12-08T08:00:00+08:00`. */
  generatedAt: string;
  /** Marking printed on every page/sheet, e.g. `内部资料 注意保密`. */
  watermark?: string;
  /** Key sentences shown under the title (CSV lines, cover sheet rows, PDF paragraph). */
  summary?: string[];
  sections: ReportSection[];
}

/** A report document that cannot be rendered; `path` names the offending field (e.g. `sections[2].tables[0].rows[4].premiumFen`). */
export class ReportDocumentError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`invalid report document at ${path}: ${problem}`);
    this.name = 'ReportDocumentError';
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SECTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/**
 * Checks everything the renderers rely on and throws a ReportDocumentError naming the first bad field. Every
 * renderer calls it first, so a bad document never yields a half-written or silently altered file.
 */
export function validateReportDocument(doc: ReportDocument): void {
  const text = (path: string, value: unknown, optional = false): void => {
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value.trim() === '')
      throw new ReportDocumentError(path, 'must be a non-empty string');
  };
  if (!['weekly', 'city-bulletin', 'monthly-scorecard', 'custom'].includes(doc.kind)) {
    throw new ReportDocumentError('kind', `unknown report kind ${JSON.stringify(doc.kind)}`);
  }
  text('title', doc.title);
  text('scopeName', doc.scopeName);
  text('scopeCode', doc.scopeCode, true);
  text('scopeShortName', doc.scopeShortName, true);
  text('watermark', doc.watermark, true);
  if (!doc.period || typeof doc.period !== 'object') throw new ReportDocumentError('period', 'is required');
  for (const key of ['from', 'to'] as const) {
    if (typeof doc.period[key] !== 'string' || !isIsoDate(doc.period[key])) {
      throw new ReportDocumentError(
        `period.${key}`,
        `must be a date YYYY-MM-DD, got ${JSON.stringify(doc.period[key])}`,
      );
    }
  }
  if (doc.period.from > doc.period.to) {
    throw new ReportDocumentError('period', `from ${doc.period.from} is after to ${doc.period.to}`);
  }
  text('period.label', doc.period.label);
  if (doc.period.code !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(doc.period.code)) {
    throw new ReportDocumentError('period.code', 'must be ASCII letters, digits, - or _');
  }
  if (
    typeof doc.generatedAt !== 'string' ||
    !ISO_TIMESTAMP.test(doc.generatedAt) ||
    Number.isNaN(Date.parse(doc.generatedAt))
  ) {
    throw new ReportDocumentError(
      'generatedAt',
      `must be an ISO 8601 timestamp with offset, got ${JSON.stringify(doc.generatedAt)}`,
    );
  }
  (doc.summary ?? []).forEach((line, i) => text(`summary[${i}]`, line));
  if (!Array.isArray(doc.sections) || doc.sections.length === 0) {
    throw new ReportDocumentError('sections', 'must hold at least one section');
  }
  const ids = new Set<string>();
  doc.sections.forEach((section, s) => {
    const at = `sections[${s}]`;
    if (typeof section.id !== 'string' || !SECTION_ID.test(section.id)) {
      throw new ReportDocumentError(
        `${at}.id`,
        `must be ASCII letters, digits, - or _, got ${JSON.stringify(section.id)}`,
      );
    }
    if (ids.has(section.id)) throw new ReportDocumentError(`${at}.id`, `duplicate section id ${section.id}`);
    ids.add(section.id);
    text(`${at}.title`, section.title);
    text(`${at}.note`, section.note, true);
    if (!Array.isArray(section.tables)) throw new ReportDocumentError(`${at}.tables`, 'must be an array');
    section.tables.forEach((table, t) => validateTable(`${at}.tables[${t}]`, table));
    if (section.chart !== undefined) validateChart(`${at}.chart`, section.chart);
  });
}

function validateTable(at: string, table: ReportTable): void {
  if (table.title !== undefined && (typeof table.title !== 'string' || table.title.trim() === '')) {
    throw new ReportDocumentError(`${at}.title`, 'must be a non-empty string');
  }
  if (!Array.isArray(table.columns) || table.columns.length === 0) {
    throw new ReportDocumentError(`${at}.columns`, 'must hold at least one column');
  }
  const keys = new Set<string>();
  table.columns.forEach((column, c) => {
    if (typeof column.key !== 'string' || column.key === '') {
      throw new ReportDocumentError(`${at}.columns[${c}].key`, 'must be a non-empty string');
    }
    if (keys.has(column.key))
      throw new ReportDocumentError(`${at}.columns[${c}].key`, `duplicate column key ${column.key}`);
    keys.add(column.key);
    if (typeof column.title !== 'string' || column.title.trim() === '') {
      throw new ReportDocumentError(`${at}.columns[${c}].title`, 'must be a non-empty string');
    }
    if (!REPORT_COLUMN_KINDS.includes(column.kind)) {
      throw new ReportDocumentError(`${at}.columns[${c}].kind`, `unknown column kind ${JSON.stringify(column.kind)}`);
    }
  });
  if (!Array.isArray(table.rows)) throw new ReportDocumentError(`${at}.rows`, 'must be an array');
  const checkRow = (rowAt: string, row: ReportRow): void => {
    if (row === null || typeof row !== 'object') throw new ReportDocumentError(rowAt, 'must be an object');
    for (const key of Object.keys(row)) {
      if (!keys.has(key)) throw new ReportDocumentError(`${rowAt}.${key}`, 'is not a column of the table');
    }
    for (const column of table.columns) checkCell(`${rowAt}.${column.key}`, column.kind, row[column.key]);
  };
  table.rows.forEach((row, r) => checkRow(`${at}.rows[${r}]`, row));
  if (table.totals !== undefined) checkRow(`${at}.totals`, table.totals);
}

function checkCell(at: string, kind: ReportColumnKind, value: ReportCell | undefined): void {
  if (value === undefined || value === null) return;
  switch (kind) {
    case 'text':
      if (typeof value !== 'string') throw new ReportDocumentError(at, `text column holds ${typeof value}`);
      return;
    case 'date':
      if (typeof value !== 'string' || !isIsoDate(value)) {
        throw new ReportDocumentError(at, `must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
      }
      return;
    case 'count':
    case 'fen':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new ReportDocumentError(
          at,
          `${kind === 'fen' ? 'an amount in fen' : 'a count'} must be an integer, got ${JSON.stringify(value)}`,
        );
      }
      return;
    case 'rate':
    case 'percentChange':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ReportDocumentError(
          at,
          `a ${kind} must be a finite number (a fraction), got ${JSON.stringify(value)}`,
        );
      }
      return;
  }
}

function validateChart(at: string, chart: ReportChart): void {
  if (!['bar', 'line', 'pie'].includes(chart.type)) {
    throw new ReportDocumentError(`${at}.type`, `unknown chart type ${JSON.stringify(chart.type)}`);
  }
  if (typeof chart.title !== 'string' || chart.title.trim() === '') {
    throw new ReportDocumentError(`${at}.title`, 'must be a non-empty string');
  }
  if (chart.valueKind !== undefined && !['count', 'fen', 'rate'].includes(chart.valueKind)) {
    throw new ReportDocumentError(`${at}.valueKind`, `unknown value kind ${JSON.stringify(chart.valueKind)}`);
  }
  if (!Array.isArray(chart.categories) || chart.categories.length === 0) {
    throw new ReportDocumentError(`${at}.categories`, 'must hold at least one category');
  }
  chart.categories.forEach((c, i) => {
    if (typeof c !== 'string' || c === '')
      throw new ReportDocumentError(`${at}.categories[${i}]`, 'must be a non-empty string');
  });
  if (!Array.isArray(chart.series) || chart.series.length === 0) {
    throw new ReportDocumentError(`${at}.series`, 'must hold at least one series');
  }
  if (chart.type === 'pie' && chart.series.length !== 1) {
    throw new ReportDocumentError(`${at}.series`, `a pie chart has exactly one series, got ${chart.series.length}`);
  }
  chart.series.forEach((series, i) => {
    if (typeof series.name !== 'string' || series.name === '') {
      throw new ReportDocumentError(`${at}.series[${i}].name`, 'must be a non-empty string');
    }
    if (!Array.isArray(series.values) || series.values.length !== chart.categories.length) {
      throw new ReportDocumentError(
        `${at}.series[${i}].values`,
        `must hold one value per category (${chart.categories.length}), got ${Array.isArray(series.values) ? series.values.length : typeof series.values}`,
      );
    }
    series.values.forEach((v, j) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new ReportDocumentError(
          `${at}.series[${i}].values[${j}]`,
          `must be a finite number or null, got ${JSON.stringify(v)}`,
        );
      }
      if (v !== null && chart.type === 'pie' && v < 0) {
        throw new ReportDocumentError(`${at}.series[${i}].values[${j}]`, 'a pie slice cannot be negative');
      }
    });
  });
}
