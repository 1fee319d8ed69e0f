import type { ClaimRecord, Sector } from '@ajx/contracts';
import { REGIONS, type RegionTable } from '../reference/regions';
import { DADI_SECTOR_CODES, sectorByIndustryCode, sectorByName } from '../reference/sectors';
import { isValidUscc } from '../reference/uscc';
import { codePointLength, normalizeCodedValue, normalizeHumanText, normalizeIdentifier, toHalfWidth } from '../text';
import { reject } from '../normalizer/record-rejection';
import {
  fiveYearsAfter,
  formatBeijingDate,
  formatBeijingDateTime,
  parseDateText,
  parseDateTimeText,
  type DateFormat,
  type DateTimeFormat,
} from './datetime';

/**
 * The canonical value rules of data standard v1, one function per kind of value. Each takes the insurer's raw value
 * (`unknown`: a CSV/XML string, or any JSON value), the field name for messages, and either returns the canonical
 * value or throws a RecordRejection with the standard's code. A format's empty value (`""`, absent, JSON null) is
 * null; `required` turns null into MISSING_FIELD.
 */

export const MAX_ID_LENGTH = 64;
export const MAX_NAME_LENGTH = 200;
export const MAX_TEXT_LENGTH = 4000;

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function missing(field: string): never {
  return reject('MISSING_FIELD', `${field} is required`);
}

/** The text of a scalar: strings as they are, JSON numbers in their shortest decimal form; null when empty/absent. */
export function scalarText(v: unknown, field: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return reject('MALFORMED_RECORD', `${field}: expected a text value, got ${show(v)}`);
}

function tooLong(field: string, length: number, max: number): never {
  return reject('FIELD_TOO_LONG', `${field} has ${length} characters, more than ${max}`);
}

// ---- identifiers -----------------------------------------------------------------------------------------------

export function identifier(v: unknown, field: string, required: true): string;
export function identifier(v: unknown, field: string, required?: boolean): string | null;
export function identifier(v: unknown, field: string, required = false): string | null {
  const t = scalarText(v, field);
  const id = t === null ? '' : normalizeIdentifier(t);
  if (!id) return required ? missing(field) : null;
  const n = codePointLength(id);
  if (n > MAX_ID_LENGTH) tooLong(field, n, MAX_ID_LENGTH);
  return id;
}

export function uscc(v: unknown, field: string, required: true): string;
export function uscc(v: unknown, field: string, required?: boolean): string | null;
export function uscc(v: unknown, field: string, required = false): string | null {
  const t = scalarText(v, field);
  const id = t === null ? '' : normalizeIdentifier(t).toUpperCase();
  if (!id) return required ? missing(field) : null;
  if (!isValidUscc(id))
    reject('INVALID_USCC', `${field}: ${show(id)} is not a unified social credit code (GB 32100) or its check fails`);
  return id;
}

// `+86`, `0086` (also in parentheses), or `86` followed by `-` or a space.
const PHONE_PREFIX = /^(?:\(\+86\)|\(0086\)|\+86|0086|86(?=[\s-]))/;
const PHONE_SEPARATORS = /[\s\-()]/g;
const PHONE_DIGITS = /^\d{5,20}$/;

/** Phone: half-width, country prefix dropped, separators removed, 5–20 digits. */
export function phone(v: unknown, field: string): string | null {
  const t = scalarText(v, field);
  if (t === null) return null;
  const trimmed = toHalfWidth(t).trim();
  if (!trimmed) return null;
  const digits = trimmed.replace(PHONE_PREFIX, '').replace(PHONE_SEPARATORS, '');
  if (!PHONE_DIGITS.test(digits)) reject('INVALID_NUMBER', `${field}: ${show(t)} is not a phone number (5–20 digits)`);
  return digits;
}

// ---- human text ------------------------------------------------------------------------------------------------

/** Names (enterprise, contact, staff, provider): Simplified, trimmed, inner white space collapsed, ≤ 200. */
export function name(v: unknown, field: string, required: true): string;
export function name(v: unknown, field: string, required?: boolean): string | null;
export function name(v: unknown, field: string, required = false): string | null {
  return humanText(v, field, MAX_NAME_LENGTH, required, true);
}

/** Free text (location, summary, description, notes) ≤ 4000, category ≤ 200 (pass `max`). */
export function text(v: unknown, field: string, required: true, max?: number): string;
export function text(v: unknown, field: string, required?: boolean, max?: number): string | null;
export function text(v: unknown, field: string, required = false, max = MAX_TEXT_LENGTH): string | null {
  return humanText(v, field, max, required, false);
}

function humanText(v: unknown, field: string, max: number, required: boolean, isName: boolean): string | null {
  const t = scalarText(v, field);
  const s = t === null ? null : normalizeHumanText(t, isName);
  if (s === null) return required ? missing(field) : null;
  const n = codePointLength(s);
  if (n > max) tooLong(field, n, max);
  return s;
}

// ---- coded values ----------------------------------------------------------------------------------------------

/** A coded value looked up in `table` (Chinese keys are converted to Simplified and trimmed first). */
export function coded<T>(v: unknown, field: string, table: Readonly<Record<string, T>>, required: true): T;
export function coded<T>(v: unknown, field: string, table: Readonly<Record<string, T>>, required?: boolean): T | null;
export function coded<T>(v: unknown, field: string, table: Readonly<Record<string, T>>, required = false): T | null {
  if (typeof v === 'boolean') v = String(v);
  const t = scalarText(v, field);
  const key = t === null ? '' : normalizeCodedValue(t);
  if (!key) return required ? missing(field) : null;
  if (!Object.prototype.hasOwnProperty.call(table, key))
    reject('INVALID_ENUM', `${field}: ${show(t)} is not one of ${Object.keys(table).join('|')}`);
  return table[key];
}

/**
 * A v2 coded number that must be a JSON integer (PINGAN `accidentType`): a string is INVALID_ENUM, an empty one null
 * (INSURER-FORMATS.md §6 "coded numbers").
 */
export function jsonIntegerCode<T>(v: unknown, field: string, table: Readonly<Record<string, T>>, required: true): T;
export function jsonIntegerCode<T>(
  v: unknown,
  field: string,
  table: Readonly<Record<string, T>>,
  required?: boolean,
): T | null;
export function jsonIntegerCode<T>(
  v: unknown,
  field: string,
  table: Readonly<Record<string, T>>,
  required = false,
): T | null {
  if (v === null || v === undefined || v === '') return required ? missing(field) : null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    return reject('INVALID_ENUM', `${field}: ${show(v)} is not a code (a JSON integer)`);
  return lookUpNumber(v, field, table);
}

const DIGIT_CODE = /^\d+$/;

/**
 * A v2 coded number written as a JSON integer or a string of digits, leading zeros allowed (DADI `sglb`, `sgdj`,
 * `sgzt`, `ajzt`, `hdjl`); the string is trimmed like every coded value, an empty one is null.
 */
export function numericCode<T>(v: unknown, field: string, table: Readonly<Record<string, T>>, required: true): T;
export function numericCode<T>(
  v: unknown,
  field: string,
  table: Readonly<Record<string, T>>,
  required?: boolean,
): T | null;
export function numericCode<T>(
  v: unknown,
  field: string,
  table: Readonly<Record<string, T>>,
  required = false,
): T | null {
  if (v === null || v === undefined) return required ? missing(field) : null;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return reject('INVALID_ENUM', `${field}: ${show(v)} is not an integer code`);
    return lookUpNumber(v, field, table);
  }
  if (typeof v !== 'string') return reject('INVALID_ENUM', `${field}: ${show(v)} is not a code`);
  const s = v.trim();
  if (!s) return required ? missing(field) : null;
  if (!DIGIT_CODE.test(s)) return reject('INVALID_ENUM', `${field}: ${show(v)} is not a code (digits)`);
  const digits = s.replace(/^0+(?=\d)/, '');
  return lookUpNumber(digits.length > 15 ? Number.NaN : Number(digits), field, table, v);
}

function lookUpNumber<T>(n: number, field: string, table: Readonly<Record<string, T>>, raw: unknown = n): T {
  const key = String(n);
  if (!Number.isSafeInteger(n) || !Object.prototype.hasOwnProperty.call(table, key))
    return reject('INVALID_ENUM', `${field}: ${show(raw)} is not one of ${Object.keys(table).join('|')}`);
  return table[key];
}

/** A JSON boolean or null (PINGAN). */
export function jsonBoolean(v: unknown, field: string): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  return reject('INVALID_ENUM', `${field}: ${show(v)} is not a boolean`);
}

export function sectorFromName(v: unknown, field: string): Sector {
  const t = scalarText(v, field);
  const key = t === null ? '' : normalizeCodedValue(t);
  if (!key) return missing(field);
  return sectorByName(key) ?? reject('UNKNOWN_SECTOR', `${field}: ${show(t)} is not a sector name of the standard`);
}

/** GB/T 4754-2017 industry code → [normalised code, sector]. */
export function sectorFromIndustryCode(v: unknown, field: string): [string, Sector] {
  const t = scalarText(v, field);
  const code = t === null ? '' : normalizeIdentifier(t);
  if (!code) return missing(field);
  const sector = sectorByIndustryCode(code);
  if (!sector) reject('UNKNOWN_SECTOR', `${field}: ${show(t)} is not a GB/T 4754 industry code (^[A-T]\\d{2,4}$)`);
  return [code, sector];
}

/** DADI sector code; a JSON number is zero-padded to two digits. */
export function sectorFromDadiCode(v: unknown, field: string): Sector {
  const t = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? String(v).padStart(2, '0') : scalarText(v, field);
  const code = t === null ? '' : t.trim();
  if (!code) return missing(field);
  const sector = Object.prototype.hasOwnProperty.call(DADI_SECTOR_CODES, code) ? DADI_SECTOR_CODES[code] : undefined;
  return sector ?? reject('UNKNOWN_SECTOR', `${field}: ${show(v)} is not a DADI sector code`);
}

// ---- regions ---------------------------------------------------------------------------------------------------

export function regionFromCode(v: unknown, field: string, regions: RegionTable = REGIONS): string {
  const t = scalarText(v, field);
  const code = t === null ? '' : normalizeIdentifier(t);
  if (!code) return missing(field);
  return (
    regions.resolveCode(code) ??
    reject('UNKNOWN_REGION', `${field}: ${show(t)} is neither a current county code nor on the succession list`)
  );
}

export function regionFromName(v: unknown, field: string, regions: RegionTable = REGIONS): string {
  const t = scalarText(v, field);
  if (t === null || !t.trim()) return missing(field);
  return regions.resolveName(t) ?? reject('UNKNOWN_REGION', `${field}: ${show(t)} does not name exactly one county`);
}

// ---- numbers ---------------------------------------------------------------------------------------------------

const DIGITS = /^\d+$/;

/** A count or version: a non-negative integer (JSON integer or digit text), at least `min`. */
export function integer(v: unknown, field: string, required: true, min?: number): number;
export function integer(v: unknown, field: string, required?: boolean, min?: number): number | null;
export function integer(v: unknown, field: string, required = false, min = 0): number | null {
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else {
    const t = scalarText(v, field);
    const s = t === null ? '' : t.trim();
    if (!s) return required ? missing(field) : null;
    if (!DIGITS.test(s)) return reject('INVALID_NUMBER', `${field}: ${show(t)} is not a non-negative integer`);
    n = Number(s);
  }
  if (!Number.isSafeInteger(n) || n < min) reject('INVALID_NUMBER', `${field}: ${show(v)} is not an integer ≥ ${min}`);
  return n;
}

const PCT = /^[+-]?\d+(?:\.\d{1,2})?$/;

/** adjustmentPct: at most two decimals, in [−100, 300], optional leading `+` (`percentSign`: DADI's trailing `%`). */
export function adjustmentPct(v: unknown, field: string, percentSign = false): number | null {
  if (v === null || v === undefined || v === '') return null;
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) reject('INVALID_NUMBER', `${field}: ${show(v)} is not a number`);
    s = String(v);
  } else {
    const t = scalarText(v, field);
    if (t === null) return null;
    s = t.trim();
    if (!s) return null;
    if (percentSign && s.endsWith('%')) s = s.slice(0, -1);
  }
  if (!PCT.test(s)) reject('INVALID_NUMBER', `${field}: ${show(v)} is not a percentage with at most two decimals`);
  const n = Number(s);
  if (n < -100 || n > 300) reject('INVALID_NUMBER', `${field}: ${show(v)} is outside [-100, 300]`);
  return n === 0 ? 0 : n;
}

// ---- money -----------------------------------------------------------------------------------------------------

const YUAN = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/** Yuan as decimal text (or a JSON number where the format allows) → integer fen, never via floating point. */
export function yuan(v: unknown, field: string, required: true, allowJsonNumber?: boolean): number;
export function yuan(v: unknown, field: string, required?: boolean, allowJsonNumber?: boolean): number | null;
export function yuan(v: unknown, field: string, required = false, allowJsonNumber = false): number | null {
  let s: string;
  if (typeof v === 'number') {
    if (!allowJsonNumber || !Number.isFinite(v))
      return reject('INVALID_AMOUNT', `${field}: ${show(v)} must be written as decimal text`);
    s = String(v);
  } else {
    const t = scalarText(v, field);
    s = t === null ? '' : t.trim();
    if (!s) return required ? missing(field) : null;
  }
  const m = YUAN.exec(s);
  if (!m)
    return reject(
      'INVALID_AMOUNT',
      `${field}: ${show(v)} is not an amount in yuan (digits, optional thousands separators, at most two decimals)`,
    );
  const whole = m[1].includes(',') ? m[1].replace(/,/g, '') : m[1];
  const fen = Number(whole) * 100 + (m[2] === undefined ? 0 : Number(m[2].padEnd(2, '0')));
  if (!Number.isSafeInteger(fen) || whole.length > 15) reject('INVALID_AMOUNT', `${field}: ${show(v)} is too large`);
  return fen;
}

/** Fen as a JSON integer ≥ 0 (PINGAN). */
export function fen(v: unknown, field: string, required: true): number;
export function fen(v: unknown, field: string, required?: boolean): number | null;
export function fen(v: unknown, field: string, required = false): number | null {
  if (v === null || v === undefined) return required ? missing(field) : null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    return reject('INVALID_AMOUNT', `${field}: ${show(v)} is not an amount in fen (a non-negative JSON integer)`);
  return v;
}

// ---- dates -----------------------------------------------------------------------------------------------------

export function date(v: unknown, field: string, format: DateFormat, required: true): string;
export function date(v: unknown, field: string, format: DateFormat, required?: boolean): string | null;
export function date(v: unknown, field: string, format: DateFormat, required = false): string | null {
  const t = typeof v === 'number' ? reject('INVALID_DATE', `${field}: ${show(v)} is not a date`) : scalarText(v, field);
  const s = t === null ? '' : t.trim();
  if (!s) return required ? missing(field) : null;
  return parseDateText(field, s, format);
}

export function dateTime(v: unknown, field: string, format: DateTimeFormat, required: true): string;
export function dateTime(v: unknown, field: string, format: DateTimeFormat, required?: boolean): string | null;
export function dateTime(v: unknown, field: string, format: DateTimeFormat, required = false): string | null {
  const t =
    typeof v === 'number' ? reject('INVALID_DATE', `${field}: ${show(v)} is not a datetime`) : scalarText(v, field);
  const s = t === null ? '' : t.trim();
  if (!s) return required ? missing(field) : null;
  return parseDateTimeText(field, s, format);
}

function epochMillis(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    return reject('INVALID_DATE', `${field}: ${show(v)} is not epoch milliseconds (a JSON integer)`);
  return v;
}

/** PINGAN: epoch milliseconds → the Beijing calendar date. */
export function epochDate(v: unknown, field: string, required: true): string;
export function epochDate(v: unknown, field: string, required?: boolean): string | null;
export function epochDate(v: unknown, field: string, required = false): string | null {
  if (v === null || v === undefined) return required ? missing(field) : null;
  return formatBeijingDate(epochMillis(v, field)) ?? reject('INVALID_DATE', `${field}: ${show(v)} is out of range`);
}

/** PINGAN: epoch milliseconds → canonical Beijing datetime (milliseconds truncated). */
export function epochDateTime(v: unknown, field: string, required: true): string;
export function epochDateTime(v: unknown, field: string, required?: boolean): string | null;
export function epochDateTime(v: unknown, field: string, required = false): string | null {
  if (v === null || v === undefined) return required ? missing(field) : null;
  return formatBeijingDateTime(epochMillis(v, field)) ?? reject('INVALID_DATE', `${field}: ${show(v)} is out of range`);
}

// ---- cross-field rules -----------------------------------------------------------------------------------------

export function checkCoveragePeriod(start: string, end: string): void {
  if (end < start) reject('INVALID_PERIOD', `coverage ends (${end}) before it starts (${start})`);
  const limit = fiveYearsAfter(start);
  if (end > limit) reject('INVALID_PERIOD', `coverage end ${end} is more than five years after start ${start}`);
}

export function checkServicePeriod(startedAt: string, endedAt: string): void {
  // Both are canonical +08:00 datetimes, so text order is time order.
  if (endedAt < startedAt) reject('INVALID_PERIOD', `service ends (${endedAt}) before it starts (${startedAt})`);
}

export function revisitOf(
  at: string | null,
  satisfied: boolean | null,
  note: string | null,
  field: string,
): { at: string; satisfied: boolean | null; note: string | null } | null {
  if (at === null) {
    if (satisfied !== null || note !== null) missing(`${field} time (satisfaction or note given without it)`);
    return null;
  }
  return { at, satisfied, note };
}

/** 向主管部门报告: never before the accident happened (equal is valid). */
export function checkAccidentReport(occurredAt: string, reportedToAuthorityAt: string | null): void {
  if (reportedToAuthorityAt !== null && reportedToAuthorityAt < occurredAt)
    reject(
      'INVALID_PERIOD',
      `reported to the authority (${reportedToAuthorityAt}) before the accident occurred (${occurredAt})`,
    );
}

const CLAIM_STEPS = ['documentsCompleteAt', 'decidedAt', 'agreedAt', 'paidAt'] as const;

/**
 * No step of a claim before it was filed (报案; equal is valid). Nothing else is checked between the steps, amounts,
 * decision and status: those are supervision findings, never rejects (INSURER-FORMATS.md §6 "periods").
 */
export function checkClaimTimes(claim: Pick<ClaimRecord, 'filedAt' | (typeof CLAIM_STEPS)[number]>): void {
  for (const step of CLAIM_STEPS) {
    const at = claim[step];
    if (at !== null && at < claim.filedAt)
      reject('INVALID_PERIOD', `${step} ${at} is before the claim was filed (${claim.filedAt})`);
  }
}
