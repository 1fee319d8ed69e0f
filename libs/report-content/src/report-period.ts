import { dayNumber, isIsoDate, isoDateOf } from '@ajx/supervision';

/*
 * Report periods (SUPERVISION.md "Reports"): the weekly report and the city bulletin cover a Monday–Sunday ISO week
 * (`2026-W49`), the monthly scorecard a calendar month (`2026-11`). Dates are Beijing dates.
 */

export type PeriodKind = 'week' | 'month';

export interface ReportPeriodSpec {
  kind: PeriodKind;
  /** `2026-W49` or `2026-11`. */
  code: string;
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive: the figures stand on this date. */
  to: string;
  /** As printed: `2026年第49周(11月30日—12月6日)`, `2026年11月`. */
  label: string;
}

export class ReportPeriodError extends Error {
  override readonly name = 'ReportPeriodError';
}

const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** Monday of ISO week 1 of a year (the week with the year's first Thursday). */
function isoWeekOneMonday(year: number): number {
  const jan4 = dayNumber(`${year}-01-04`);
  const weekday = ((jan4 + 3) % 7) + 1; // day 0 (1970-01-01) is a Thursday: Monday 1 … Sunday 7
  return jan4 - (weekday - 1);
}

/** ISO weekday of a day number: Monday 1 … Sunday 7. */
export function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function monthDay(iso: string): string {
  return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

/** The ISO week `2026-W49`: Monday 2026-11-30 to Sunday 2026-12-06. */
export function weekPeriod(code: string): ReportPeriodSpec {
  const m = WEEK.exec(code);
  if (!m) throw new ReportPeriodError(`week must be YYYY-Www (e.g. 2026-W49), got ${JSON.stringify(code)}`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const weeks = isoWeekOneMonday(year + 1) - isoWeekOneMonday(year) === 371 ? 53 : 52;
  if (week < 1 || week > weeks) throw new ReportPeriodError(`${year} has weeks 1 to ${weeks}, got ${code}`);
  const monday = isoWeekOneMonday(year) + (week - 1) * 7;
  const from = isoDateOf(monday);
  const to = isoDateOf(monday + 6);
  return { kind: 'week', code, from, to, label: `${year}年第${week}周(${monthDay(from)}—${monthDay(to)})` };
}

/** The calendar month `2026-11`. */
export function monthPeriod(code: string): ReportPeriodSpec {
  const m = MONTH.exec(code);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12)
    throw new ReportPeriodError(`month must be YYYY-MM (e.g. 2026-11), got ${JSON.stringify(code)}`);
  const year = Number(m[1]);
  const from = `${m[1]}-${m[2]}-01`;
  const next = month === 12 ? `${year + 1}-01-01` : `${m[1]}-${String(month + 1).padStart(2, '0')}-01`;
  return { kind: 'month', code, from, to: isoDateOf(dayNumber(next) - 1), label: `${year}年${month}月` };
}

/** The ISO week code of a date. */
export function weekCodeOf(iso: string): string {
  const day = dayNumber(iso);
  const thursday = day + (4 - weekdayOf(day));
  const year = Number(isoDateOf(thursday).slice(0, 4));
  const week = Math.floor((thursday - isoWeekOneMonday(year)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The week before the one `today` is in: what Monday's job reports on. */
export function previousWeek(today: string): ReportPeriodSpec {
  if (!isIsoDate(today)) throw new ReportPeriodError(`not a date: ${JSON.stringify(today)}`);
  return weekPeriod(weekCodeOf(isoDateOf(dayNumber(today) - 7)));
}

/** The month before the one `today` is in: what the 1st's job reports on. */
export function previousMonth(today: string): ReportPeriodSpec {
  if (!isIsoDate(today)) throw new ReportPeriodError(`not a date: ${JSON.stringify(today)}`);
  return monthPeriod(isoDateOf(dayNumber(`${today.slice(0, 7)}-01`) - 1).slice(0, 7));
}

/** A period by its code: a week (`2026-W49`) or a month (`2026-11`). */
export function periodOf(code: string): ReportPeriodSpec {
  return WEEK.test(code) ? weekPeriod(code) : monthPeriod(code);
}

/** The day before a date. */
export function dayBefore(iso: string): string {
  return isoDateOf(dayNumber(iso) - 1);
}
