import { RECORD_REJECT_CODES, type RecordKind } from '@ajx/contracts';
import type { FormatProfile, SimulatedRecord } from '../canonical-records';
import type { Noise } from '../noise';
import type { Random } from '../random';

/**
 * The single-record defects the generator can plant (each yields exactly this reject code): every record-level
 * code except INSURER_MISMATCH, which a file's header declares for all its records.
 */
export const RECORD_DEFECTS = RECORD_REJECT_CODES.filter(
  (c): c is Exclude<(typeof RECORD_REJECT_CODES)[number], 'INSURER_MISMATCH'> => c !== 'INSURER_MISMATCH',
);
export type RecordDefect = (typeof RECORD_DEFECTS)[number];

/** Defects a kind can carry (hazards have no money and no period). */
export function defectsFor(kind: RecordKind): readonly RecordDefect[] {
  return kind === 'hazard'
    ? RECORD_DEFECTS.filter((d) => d !== 'INVALID_AMOUNT' && d !== 'INVALID_PERIOD')
    : RECORD_DEFECTS;
}

export interface FileOptions {
  /** The insurer the file declares (CPIC `insurer`, DADI `gsdm`); another one than the deliverer → INSURER_MISMATCH. */
  declaredInsurer: string;
  batchNo: string;
  /** PICC: the kind of the file. */
  kind?: RecordKind;
}

/** Whole-file defects (→ one MALFORMED_FILE reject and no event). */
export type FileDefect = 'header' | 'doctype' | 'truncated';

/** A native format as the generator writes it. `N` is one record in the format's own structure. */
export interface NativeFormat<N> {
  readonly insurer: string;
  readonly profile: FormatProfile;
  /** Kinds a single file can hold (PICC: one per file). */
  readonly mixedKinds: boolean;
  readonly fileDefects: readonly FileDefect[];
  render(sim: SimulatedRecord, noise: Noise, rng: Random): N;
  /** Plants `defect` into a rendered record (the canonical-level defects are planted before rendering). */
  plant(native: N, sim: SimulatedRecord, defect: RecordDefect, rng: Random): void;
  /** One record's text, without the separator between records. */
  serialize(native: N, rng: Random, noise: Noise): string;
  head(options: FileOptions): string;
  /** Between two records and, unless `separatorBetweenOnly`, after the last one too. */
  readonly separator: string;
  readonly separatorBetweenOnly?: boolean;
  tail(options: FileOptions): string;
  /** Makes a whole-file defect out of the file's head (or, for `truncated`, says to cut the file). */
  fileDefect(defect: FileDefect, head: string): string;
  encode(text: string): Buffer;
  /** A line that is not counted (blank line noise) where the format has one. */
  readonly blankLine: string | null;
}

/** Sets a value at a dotted path in a nested object, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

export function deletePath(obj: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let o: unknown = obj;
  for (const p of parts.slice(0, -1)) o = (o as Record<string, unknown> | undefined)?.[p];
  if (o && typeof o === 'object') delete (o as Record<string, unknown>)[parts[parts.length - 1]];
}

/** A yuan amount as decimal text, sometimes with thousands separators or without trailing zeros. */
export function yuanText(fen: number, rng: Random, thousands: boolean): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  let w = String(whole);
  if (thousands && rng.chance(0.5)) w = w.replace(/\B(?=(\d{3})+$)/g, ',');
  if (cents === 0) return rng.chance(0.5) ? w : `${w}.00`;
  return cents % 10 === 0 && rng.chance(0.5) ? `${w}.${cents / 10}` : `${w}.${String(cents).padStart(2, '0')}`;
}

/** A percentage with an explicit sign sometimes. */
export function pctText(p: number, rng: Random): string {
  return p > 0 && rng.chance(0.5) ? `+${p}` : String(p);
}

/** Canonical `YYYY-MM-DDTHH:mm:ss+08:00` → its parts. */
export function partsOf(dt: string): {
  date: string;
  y: number;
  m: number;
  d: number;
  time: string;
  h: number;
  mi: number;
  s: number;
} {
  return {
    date: dt.slice(0, 10),
    y: +dt.slice(0, 4),
    m: +dt.slice(5, 7),
    d: +dt.slice(8, 10),
    time: dt.slice(11, 19),
    h: +dt.slice(11, 13),
    mi: +dt.slice(14, 16),
    s: +dt.slice(17, 19),
  };
}

/** Epoch milliseconds of a canonical Beijing datetime. */
export function epochOf(dt: string): number {
  return Date.parse(dt);
}

/** A 201-character name (FIELD_TOO_LONG). */
export const TOO_LONG_NAME = '企'.repeat(201);
