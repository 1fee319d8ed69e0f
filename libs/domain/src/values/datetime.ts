import { reject } from '../normalizer/record-rejection';

/**
 * Canonical dates (`YYYY-MM-DD`) and datetimes (`YYYY-MM-DDTHH:mm:ss+08:00`, Beijing time). Every parser checks the
 * date/time exists; other offsets are converted to +08:00 and fractional seconds truncated.
 */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : DAYS[m - 1];
}

function dateExists(y: number, m: number, d: number): boolean {
  return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function timeExists(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const p4 = (n: number): string => String(n).padStart(4, '0');

export function formatDate(y: number, m: number, d: number): string {
  return `${p4(y)}-${p2(m)}-${p2(d)}`;
}

/** UTC epoch milliseconds of a wall-clock time at a UTC offset (minutes). Years 0–99 included. */
function epochOf(y: number, m: number, d: number, h: number, mi: number, s: number, offsetMinutes: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime() - offsetMinutes * 60000;
}

/** Beijing wall-clock parts of an epoch instant (milliseconds truncated to the second). */
function beijingParts(epochMs: number): [number, number, number, number, number, number] | null {
  if (!Number.isFinite(epochMs)) return null;
  const t = new Date(Math.floor(epochMs / 1000) * 1000 + BEIJING_OFFSET_MS);
  const y = t.getUTCFullYear();
  if (Number.isNaN(y) || y < 0 || y > 9999) return null;
  return [y, t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()];
}

export function formatBeijingDateTime(epochMs: number): string | null {
  const p = beijingParts(epochMs);
  return p && `${formatDate(p[0], p[1], p[2])}T${p2(p[3])}:${p2(p[4])}:${p2(p[5])}+08:00`;
}

export function formatBeijingDate(epochMs: number): string | null {
  const p = beijingParts(epochMs);
  return p && formatDate(p[0], p[1], p[2]);
}

function invalid(field: string, value: string, why: string): never {
  return reject('INVALID_DATE', `${field}: ${JSON.stringify(value)} ${why}`);
}

/** A date from its parts, checked to exist. */
export function dateOf(field: string, raw: string, y: number, m: number, d: number): string {
  if (!dateExists(y, m, d)) invalid(field, raw, 'is not a date that exists');
  return formatDate(y, m, d);
}

/** A Beijing wall-clock datetime from its parts, checked to exist. */
export function beijingDateTimeOf(
  field: string,
  raw: string,
  y: number,
  m: number,
  d: number,
  h: number,
  mi: number,
  s: number,
): string {
  if (!dateExists(y, m, d) || !timeExists(h, mi, s)) invalid(field, raw, 'is not a date/time that exists');
  return `${formatDate(y, m, d)}T${p2(h)}:${p2(mi)}:${p2(s)}+08:00`;
}

/** A datetime at an explicit UTC offset, converted to Beijing time. */
export function offsetDateTimeOf(
  field: string,
  raw: string,
  parts: [number, number, number, number, number, number],
  offsetMinutes: number,
): string {
  const [y, m, d, h, mi, s] = parts;
  if (!dateExists(y, m, d) || !timeExists(h, mi, s)) invalid(field, raw, 'is not a date/time that exists');
  const out = formatBeijingDateTime(epochOf(y, m, d, h, mi, s, offsetMinutes));
  if (out === null) invalid(field, raw, 'is out of range');
  return out;
}

// Format-specific shapes, compiled once.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const SLASH_DATE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const SPACE_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const SLASH_DATETIME = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export type DateFormat = 'iso' | 'compact' | 'slash';
export type DateTimeFormat = 'space' | 'slash' | 'iso-offset';

const DATE_SHAPES: Record<DateFormat, [RegExp, string]> = {
  iso: [ISO_DATE, 'YYYY-MM-DD'],
  compact: [COMPACT_DATE, 'YYYYMMDD'],
  slash: [SLASH_DATE, 'YYYY/M/D'],
};

/** A date written as text in one of the formats' shapes → `YYYY-MM-DD`. */
export function parseDateText(field: string, text: string, format: DateFormat): string {
  const [re, shape] = DATE_SHAPES[format];
  const m = re.exec(text);
  if (!m) invalid(field, text, `is not a date (${shape})`);
  return dateOf(field, text, +m[1], +m[2], +m[3]);
}

/** A datetime written as text → canonical Beijing datetime. */
export function parseDateTimeText(field: string, text: string, format: DateTimeFormat): string {
  if (format === 'iso-offset') {
    const m = ISO_DATETIME.exec(text);
    if (!m) invalid(field, text, 'is not an ISO 8601 datetime');
    const off = m[7];
    if (off === undefined) invalid(field, text, 'has no UTC offset');
    let offsetMinutes = 0;
    if (off !== 'Z') {
      const digits = off.slice(1).replace(':', '');
      const oh = +digits.slice(0, 2);
      const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
      if (oh > 23 || om > 59) invalid(field, text, 'has an offset that does not exist');
      offsetMinutes = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    return offsetDateTimeOf(field, text, [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]], offsetMinutes);
  }
  const m = (format === 'space' ? SPACE_DATETIME : SLASH_DATETIME).exec(text);
  if (!m)
    invalid(field, text, `is not a datetime (${format === 'space' ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY/M/D H:mm:ss'})`);
  return beijingDateTimeOf(field, text, +m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
}

/** The five-year limit of a coverage: the same calendar date five years after start (29 Feb → 28 Feb). */
export function fiveYearsAfter(start: string): string {
  const y = +start.slice(0, 4) + 5;
  const m = +start.slice(5, 7);
  let d = +start.slice(8, 10);
  if (m === 2 && d === 29 && !isLeapYear(y)) d = 28;
  return formatDate(y, m, d);
}
