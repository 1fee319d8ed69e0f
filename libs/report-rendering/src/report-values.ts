import type { ReportCell, ReportColumn, ReportColumnKind } from './report-document';

/*
 * How values are written as text (CSV, PDF, chart labels). Integer arithmetic throughout: an amount in fen is never
 * divided into a float before it is printed, so 123456 fen is always `1,234.56`.
 */

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Integer count with thousands separators: 12345 → `12,345`. */
export function formatCount(value: number): string {
  return (value < 0 ? '-' : '') + groupThousands(String(Math.abs(value)));
}

/** Integer fen as 元 with 2 decimals and thousands separators: 123456 → `1,234.56`, −5 → `-0.05`. */
export function formatFen(fen: number): string {
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${fen < 0 ? '-' : ''}${groupThousands(String(yuan))}.${String(cents).padStart(2, '0')}`;
}

/** A fraction in hundredths of a percent, rounded half away from zero (0.87345 → 8735). */
function basisPoints(fraction: number): number {
  // toPrecision(12) removes binary noise first (0.12345 × 10000 = 1234.4999999999998 → 1234.5).
  const scaled = Number((Math.abs(fraction) * 10000).toPrecision(12));
  return Math.sign(fraction) * Math.round(scaled);
}

function percentOfBasisPoints(bp: number): string {
  const abs = Math.abs(bp);
  return `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`;
}

/** A fraction as a percentage with 2 decimals: 0.8734 → `87.34%`. */
export function formatRate(fraction: number): string {
  const bp = basisPoints(fraction);
  return (bp < 0 ? '-' : '') + percentOfBasisPoints(bp);
}

/** A signed fraction with its sign: 0.012 → `+1.20%`, −0.005 → `-0.50%`, 0 → `0.00%`. */
export function formatPercentChange(fraction: number): string {
  const bp = basisPoints(fraction);
  return (bp > 0 ? '+' : bp < 0 ? '-' : '') + percentOfBasisPoints(bp);
}

/** A cell as text, `empty` for a missing value. */
export function formatReportCell(kind: ReportColumnKind, value: ReportCell | undefined, empty = ''): string {
  if (value === null || value === undefined) return empty;
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'count':
      return formatCount(value);
    case 'fen':
      return formatFen(value);
    case 'rate':
      return formatRate(value);
    case 'percentChange':
      return formatPercentChange(value);
    default:
      return String(value);
  }
}

/** Column heading as printed: a `fen` column says its unit, 元 (the cells carry none in CSV and PDF). */
export function columnHeading(column: ReportColumn): string {
  return column.kind === 'fen' && !column.title.includes('元') ? `${column.title}（元）` : column.title;
}

/** Numbers are right-aligned in XLSX and PDF. */
export function isNumericKind(kind: ReportColumnKind): boolean {
  return kind === 'count' || kind === 'fen' || kind === 'rate' || kind === 'percentChange';
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** Chinese ordinal for section headings: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1–99). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

/** `2026-12-08T08:00:00+08:00` → `2026-12-08 08:00` in Beijing time, whatever offset the timestamp carries. */
export function formatBeijingTime(timestamp: string): string {
  const beijing = new Date(Date.parse(timestamp) + 8 * 3600_000).toISOString();
  return `${beijing.slice(0, 10)} ${beijing.slice(11, 16)}`;
}
