/** Beijing time (UTC+8, no daylight saving): the time zone of every date the protocol carries. */
const OFFSET_MS = 8 * 60 * 60 * 1000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BEIJING_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$/;

/** `YYYY-MM-DD` of the Beijing calendar day containing the instant. */
export function beijingDateOf(instant: Date | number): string {
  return new Date(+instant + OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH:mm:ss+08:00` (fractional seconds truncated). */
export function formatBeijingDateTime(instant: Date | number): string {
  return `${new Date(+instant + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The calendar date `days` after (negative: before) an ISO date. */
export function addDaysToDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** A real Beijing time written `YYYY-MM-DDTHH:mm:ss+08:00`. */
export function isBeijingDateTime(value: string): boolean {
  const m = BEIJING_DATE_TIME.exec(value);
  if (!m || !isIsoDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  return +m[4] < 24 && +m[5] < 60 && +m[6] < 60;
}
