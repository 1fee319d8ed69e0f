/**
 * Calendar arithmetic on Beijing dates (`YYYY-MM-DD`) as day numbers (days since 1970-01-01), without Date objects:
 * the rules compare and subtract dates millions of times in a full evaluation.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BEIJING_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;
const BEIJING_OFFSET_MS = 8 * MS_PER_HOUR;

/** Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

/** The day number of a `YYYY-MM-DD` date (assumed valid: check with {@link isIsoDate} at the boundary). */
export function dayNumber(isoDate: string): number {
  const c = (i: number) => isoDate.charCodeAt(i) - 48;
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
  return daysFromCivil(y, c(5) * 10 + c(6), c(8) * 10 + c(9));
}

/** Year, month (1–12) and day of a day number (H. Hinnant's civil_from_days). */
function civilFromDays(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The `YYYY-MM-DD` date of a day number. */
export function isoDateOf(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A canonical datetime `YYYY-MM-DDTHH:mm:ss+08:00` (data standard v1) naming a real instant. */
export function isBeijingDateTime(value: string): boolean {
  const m = BEIJING_DATETIME.exec(value);
  return m !== null && isIsoDate(m[1]) && validTime(m[2], m[3], m[4]);
}

/** An RFC 3339 timestamp with an offset or `Z` (e.g. the hub's acceptance time `2023-03-06T16:00:17.000Z`). */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m || !isIsoDate(m[1]) || !validTime(m[2], m[3], m[4])) return false;
  return m[6] === 'Z' || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
}

function validTime(h: string, min: string, s: string): boolean {
  return Number(h) <= 23 && Number(min) <= 59 && Number(s) <= 59;
}

/** Milliseconds since the epoch of a datetime checked by {@link isBeijingDateTime} or {@link isRfc3339}. */
export function instantOf(datetime: string): number {
  return Date.parse(datetime);
}

/** The Beijing date (Asia/Shanghai, UTC+8 all year since 1991) of a datetime, as a day number. */
export function beijingDayOf(datetime: string): number {
  if (datetime.endsWith('+08:00')) return dayNumber(datetime);
  return Math.floor((Date.parse(datetime) + BEIJING_OFFSET_MS) / MS_PER_DAY);
}

const quarterNames = new Map<number, string>();

/** Calendar quarter `YYYYQn` of a day number. */
export function quarterOf(day: number): string {
  const [y, m] = civilFromDays(day);
  const q = Math.floor((m - 1) / 3) + 1;
  const id = y * 4 + q;
  let name = quarterNames.get(id);
  if (name === undefined) {
    name = `${String(y).padStart(4, '0')}Q${q}`;
    quarterNames.set(id, name);
  }
  return name;
}
