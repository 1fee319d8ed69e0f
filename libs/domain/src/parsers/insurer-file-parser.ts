import type { RawRecord } from '@ajx/contracts';
import { normalizeIdentifier } from '../text/normalize-text';

/** Pass 1 verdict on a whole file: readable (with its record count) or MALFORMED_FILE with the reason. */
export type ContainerCheck = { ok: true; records: number } | { ok: false; message: string };

/** Opens the file's bytes again from the start (each pass reads the file once, streaming). */
export type OpenBytes = () => AsyncIterable<Buffer>;

/**
 * An insurer's native container format. Parsers only parse: they turn the file into raw records that keep the
 * insurer's field names, and leave every canonical rule to the normaliser (libs/domain/src/normalizer).
 */
export interface InsurerFileParser {
  /** The insurer code, e.g. `PICC`. */
  readonly insurer: string;
  /** Upload content types it accepts, e.g. `['text/csv']`. */
  readonly contentTypes: readonly string[];
  /** Pass 1: is the container whole? Streams; memory stays bounded whatever the size. */
  checkContainer(open: OpenBytes): Promise<ContainerCheck>;
  /**
   * Pass 2: raw records in file order, malformed ones included (with `malformed` set). Throws MalformedFileError when
   * the container is not whole (callers run checkContainer first so that a rejected file yields no record).
   */
  records(open: OpenBytes): AsyncIterable<RawRecord>;
}

export class MalformedFileError extends Error {
  override readonly name = 'MalformedFileError';
}

/** Largest record an parser buffers; a longer one is malformed (keeps memory bounded on hostile input). */
export const MAX_RECORD_BYTES = 1024 * 1024;

export function malformedRecord(
  recordIndex: number,
  message: string,
  sourceId: string | null,
  envelope: Record<string, string | null>,
): RawRecord {
  return { recordIndex, sourceId, envelope, fields: null, malformed: { message } };
}

/** The insurer's record id as a string, when it is a non-empty string or a number. */
export function readableId(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s && !s.includes('\ufffd') ? s : null;
}

/**
 * The Kafka key of a raw record: the insurer's record id as the data standard normalises identifiers (half-width, no
 * white space). Insurers' systems write one id in several ways (`ＰＩＣＣＡＺ…` in one row, `PICCAZ…` in the next);
 * keyed by the id as written, versions of one record could land on different partitions and be normalised out of
 * order — a later version first, the earlier one then dropped as stale by the router. Keyed like this, every version
 * of a record shares a partition and stays in file order.
 */
export function rawRecordKey(sourceId: string): string {
  return normalizeIdentifier(sourceId) || sourceId;
}

/**
 * A field name no record may use: assigned to an ordinary object it would replace the object's prototype (and the
 * field would vanish), so a record holding it is malformed, whatever the format.
 */
export const FORBIDDEN_FIELD_NAME = '__proto__';
export const FORBIDDEN_FIELD_MESSAGE = `the record holds a field named "${FORBIDDEN_FIELD_NAME}", which no record may use`;

/** Whether a parsed value (JSON.parse keeps `__proto__` as an own key) holds the forbidden field name anywhere. */
export function holdsForbiddenFieldName(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, FORBIDDEN_FIELD_NAME)) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push(child);
  }
  return false;
}

/** Deepest nesting of objects and arrays a record may have (real records nest 3 levels; hostile ones 100 000). */
export const MAX_RECORD_DEPTH = 32;

/**
 * Whether a parsed value nests deeper than `max` — checked without recursion, because a hostile record nested tens
 * of thousands of levels deep would overflow the stack of every recursive consumer (JSON.stringify included).
 */
export function nestsDeeperThan(value: unknown, max = MAX_RECORD_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * JSON.parse turns a number too large for a double (`1e400`) into Infinity, which would silently become `null` on
 * the way through Kafka; keep it as text instead, so the mapping rejects it as the number it is not.
 */
export function reviveOutOfRangeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** The same for a value already assembled (DADI's streaming parser): non-finite numbers become their text, in place. */
export function keepOutOfRangeNumbersAsText(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const entries = Array.isArray(v) ? v.entries() : Object.entries(v as Record<string, unknown>);
    for (const [k, child] of entries) {
      if (typeof child === 'number' && !Number.isFinite(child))
        (v as Record<string | number, unknown>)[k] = String(child);
      else if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}
