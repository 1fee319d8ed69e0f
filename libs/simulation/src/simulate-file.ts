import { buildCanonicalEvent, type CanonicalEvent, type RecordKind, type RejectCode } from '@ajx/contracts';
import { formatBeijingDateTime } from '@ajx/domain';
import { canonicalRecords, type SimulatedRecord } from './canonical-records';
import { CPIC_FORMAT } from './formats/cpic.format';
import { DADI_FORMAT } from './formats/dadi.format';
import {
  TOO_LONG_NAME,
  defectsFor,
  type FileDefect,
  type FileOptions,
  type NativeFormat,
  type RecordDefect,
} from './formats/native-format';
import { PICC_FORMAT } from './formats/picc.format';
import { PINGAN_FORMAT } from './formats/pingan.format';
import { Noise } from './noise';
import { Random } from './random';

/** The native formats the generator writes, by insurer. */
export const NATIVE_FORMATS: Readonly<Record<string, NativeFormat<unknown>>> = {
  PICC: PICC_FORMAT,
  PINGAN: PINGAN_FORMAT,
  CPIC: CPIC_FORMAT,
  DADI: DADI_FORMAT,
};

export interface SimulateFileOptions {
  /** The delivering insurer; its native format is written. */
  insurer: string;
  /** Same seed (and options), same file and outcomes. */
  seed: number | string;
  /** Records in the file (blank lines not counted). */
  records: number;
  /** PICC: the kind of the file (default policy). Other formats mix kinds unless `kinds` narrows them. */
  kind?: RecordKind;
  /**
   * The kinds a mixed file holds (default the v1 kinds: policies, services, hazards). Accidents and claims (data
   * standard v2) are opt-in; asking for them leaves the v1 records of the same seed unchanged.
   */
  kinds?: readonly RecordKind[];
  /** Share of records carrying exactly one defect (default 0). */
  defectRate?: number;
  /** Defects to draw from (default: every one the record's kind can carry). */
  defects?: readonly RecordDefect[];
  /** Probability of each kind of noise per value: padding, Traditional Chinese, full-width ids … (default 0). */
  noise?: number;
  /** Probability of a blank line before a record, where the format has lines (default 0). */
  blankLines?: number;
  /** The insurer the file declares (CPIC/DADI); another one than `insurer` makes every record INSURER_MISMATCH. */
  declaredInsurer?: string;
  /** A whole-file defect: the file is rejected as a whole (MALFORMED_FILE). */
  fileDefect?: FileDefect;
  regionPrefixes?: readonly string[];
  /** Size of the chunks `chunks()` yields (default 64 KiB). */
  chunkBytes?: number;
}

/** What the standard says the hub must make of one record of the file. */
export type ExpectedOutcome =
  | { recordIndex: number; ok: true; kind: RecordKind; event: CanonicalEvent }
  | { recordIndex: number; ok: false; code: RejectCode; defect: RecordDefect | 'INSURER_MISMATCH' | 'MALFORMED_FILE' };

export interface SimulatedFile {
  readonly options: Readonly<SimulateFileOptions>;
  /** The file's bytes, streamed in chunks: memory stays bounded whatever the record count. */
  chunks(): AsyncGenerator<Buffer>;
  /** The expected outcome of each record in file order (one MALFORMED_FILE at recordIndex 0 for a file defect). */
  outcomes(): Generator<ExpectedOutcome>;
  /** The whole file in memory (for small files). */
  bytes(): Promise<Buffer>;
}

interface Item {
  text: string;
  outcome: ExpectedOutcome;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

const CLAIM_STEPS = ['documentsCompleteAt', 'decidedAt', 'agreedAt', 'paidAt'] as const;

/** Canonical-level defects are planted before rendering; the others in the rendered record. */
function plantCanonical(sim: SimulatedRecord, defect: RecordDefect, rng: Random): SimulatedRecord {
  const s = clone(sim);
  const before = (dt: string, ms: number) => formatBeijingDateTime(Date.parse(dt) - ms)!;
  if (defect === 'FIELD_TOO_LONG') s.record.enterprise.name = TOO_LONG_NAME;
  if (defect === 'INVALID_PERIOD') {
    if (s.kind === 'policy') {
      const start = Date.parse(`${s.record.coverage.start}T00:00:00Z`);
      s.record.coverage.end = new Date(start - 86400000).toISOString().slice(0, 10);
    } else if (s.kind === 'service') {
      s.record.endedAt = before(s.record.startedAt, 3600000);
    } else if (s.kind === 'accident') {
      // Reported to the authority before it happened.
      s.record.reportedToAuthorityAt = before(s.record.occurredAt, rng.int(1, 7200) * 1000);
    } else if (s.kind === 'claim') {
      // A step of the claim before it was filed.
      s.record[rng.pick(CLAIM_STEPS)] = before(s.record.filedAt, rng.int(1, 30 * 86400) * 1000);
    }
  }
  return s;
}

const CANONICAL_DEFECTS: ReadonlySet<RecordDefect> = new Set(['FIELD_TOO_LONG', 'INVALID_PERIOD']);

/**
 * A native file of `insurer` made of random but realistic canonical records (any current county, any sector the
 * format can say, versions), rendered with optional noise, single-record defects, blank lines, another declared
 * insurer or a whole-file defect — together with what the standard says must come out of it.
 */
export function simulateFile(options: SimulateFileOptions): SimulatedFile {
  const format = NATIVE_FORMATS[options.insurer];
  if (!format) throw new Error(`no native format for insurer ${options.insurer}`);
  if (options.fileDefect && !format.fileDefects.includes(options.fileDefect))
    throw new Error(
      `${options.insurer} files cannot have the whole-file defect ${options.fileDefect} (${format.fileDefects.join(', ') || 'none'})`,
    );
  const kind = options.kind ?? 'policy';
  const fileOptions: FileOptions = {
    declaredInsurer: options.declaredInsurer ?? options.insurer,
    batchNo: batchNoOf(options.seed),
    kind,
  };
  const mismatch = fileOptions.declaredInsurer !== options.insurer && ['CPIC', 'DADI'].includes(options.insurer);

  function* items(): Generator<Item> {
    const root = new Random(options.seed);
    const factoryRng = root.fork('records');
    const noiseRng = root.fork('noise');
    const renderRng = root.fork('render');
    const defectRng = root.fork('defects');
    const noise = new Noise(noiseRng, options.noise ?? 0);
    const kinds = format.mixedKinds ? options.kinds : [kind];
    const source = canonicalRecords(factoryRng, {
      insurer: options.insurer,
      profile: format.profile,
      kinds,
      regionPrefixes: options.regionPrefixes,
    });
    for (let i = 1; i <= options.records; i++) {
      let sim = source.next().value as SimulatedRecord;
      let defect: RecordDefect | null = null;
      if (options.defectRate && defectRng.chance(options.defectRate)) {
        const allowed = defectsFor(sim.kind).filter((d) => !options.defects || options.defects.includes(d));
        if (allowed.length) defect = defectRng.pick(allowed);
      }
      if (defect && CANONICAL_DEFECTS.has(defect)) sim = plantCanonical(sim, defect, defectRng);
      const native = format.render(sim, noise, renderRng);
      if (defect && !CANONICAL_DEFECTS.has(defect)) format.plant(native, sim, defect, defectRng);
      const text = format.serialize(native, renderRng, noise);
      const outcome: ExpectedOutcome = mismatch
        ? { recordIndex: i, ok: false, code: 'INSURER_MISMATCH', defect: 'INSURER_MISMATCH' }
        : defect
          ? { recordIndex: i, ok: false, code: defect, defect }
          : {
              recordIndex: i,
              ok: true,
              kind: sim.kind,
              event: buildCanonicalEvent(options.insurer, sim.kind, sim.record, sim.time),
            };
      const blank =
        format.blankLine !== null && options.blankLines && renderRng.chance(options.blankLines)
          ? format.blankLine + format.separator
          : '';
      yield { text: blank + text, outcome };
    }
  }

  return { options, ...assemble(format, fileOptions, items, options.records, options) };
}

/** A native file made of records given by the caller (see {@link nativeFile}). */
export interface NativeFile {
  /** The file's bytes, streamed in chunks. */
  chunks(): AsyncGenerator<Buffer>;
  /** The expected outcome of each record in file order: the canonical event of the record as given. */
  outcomes(): Generator<ExpectedOutcome>;
  bytes(): Promise<Buffer>;
}

export interface NativeFileOptions {
  /** The delivering insurer; its native format is written. */
  insurer: string;
  /** The canonical records to write, in file order (a PICC file holds one kind: that of `kind`). */
  records: readonly SimulatedRecord[];
  /** PICC: the kind of the file (default the kind of the first record). */
  kind?: RecordKind;
  /** Seeds how values are written (amount and date styles, noise): same seed, same bytes. */
  seed: number | string;
  /** As in {@link SimulateFileOptions} (default 0). */
  noise?: number;
  /** The batch number the file declares where the format has one (default from the seed). */
  batchNo?: string;
  chunkBytes?: number;
}

/**
 * A native file of `insurer` holding exactly the given canonical records (rendered with optional noise the
 * standard undoes): normalising it must give back the canonical event of each record. Throws for a record the
 * format cannot express (a PICC file of another kind, a sector the format cannot name).
 */
export function nativeFile(options: NativeFileOptions): NativeFile {
  const format = NATIVE_FORMATS[options.insurer];
  if (!format) throw new Error(`no native format for insurer ${options.insurer}`);
  const kind = options.kind ?? options.records[0]?.kind ?? 'policy';
  for (const sim of options.records) {
    if (!format.mixedKinds && sim.kind !== kind)
      throw new Error(`a ${options.insurer} file holds one kind: ${sim.kind} record in a ${kind} file`);
    if (sim.record.insurer !== options.insurer)
      throw new Error(`a record of ${sim.record.insurer} cannot be delivered by ${options.insurer}`);
    if (!format.profile.sectors.includes(sim.record.enterprise.sector))
      throw new Error(`${options.insurer} files cannot name the sector ${sim.record.enterprise.sector}`);
  }
  const fileOptions: FileOptions = {
    declaredInsurer: options.insurer,
    batchNo: options.batchNo ?? batchNoOf(options.seed),
    kind,
  };
  function* items(): Generator<Item> {
    const root = new Random(options.seed);
    const noise = new Noise(root.fork('noise'), options.noise ?? 0);
    const renderRng = root.fork('render');
    let i = 0;
    for (const sim of options.records) {
      i++;
      const native = format.render(sim, noise, renderRng);
      yield {
        text: format.serialize(native, renderRng, noise),
        outcome: {
          recordIndex: i,
          ok: true,
          kind: sim.kind,
          event: buildCanonicalEvent(options.insurer, sim.kind, sim.record, sim.time),
        },
      };
    }
  }
  return assemble(format, fileOptions, items, options.records.length, options);
}

function batchNoOf(seed: number | string): string {
  return `SIM${String(seed)
    .replace(/[^0-9A-Za-z]/g, '')
    .slice(0, 12)}`;
}

/** The bytes and outcomes of a file of `count` items in `format`, with an optional whole-file defect. */
function assemble(
  format: NativeFormat<unknown>,
  fileOptions: FileOptions,
  items: () => Generator<Item>,
  count: number,
  options: { fileDefect?: FileDefect; chunkBytes?: number },
): NativeFile {
  async function* chunks(): AsyncGenerator<Buffer> {
    const limit = options.chunkBytes ?? 64 * 1024;
    let head = format.head(fileOptions);
    if (options.fileDefect && options.fileDefect !== 'truncated') head = format.fileDefect(options.fileDefect, head);
    let parts: string[] = [head];
    let size = head.length;
    let n = 0;
    const cutAt = options.fileDefect === 'truncated' ? Math.max(1, Math.floor(count / 2)) : -1;
    for (const item of items()) {
      n++;
      if (n === cutAt) {
        parts.push(item.text.slice(0, Math.max(1, Math.floor(item.text.length / 2))));
        yield format.encode(parts.join(''));
        return;
      }
      parts.push(item.text);
      if (!format.separatorBetweenOnly || n < count) parts.push(format.separator);
      size += item.text.length + 1;
      if (size * 3 >= limit) {
        yield format.encode(parts.join(''));
        parts = [];
        size = 0;
      }
    }
    parts.push(format.tail(fileOptions));
    yield format.encode(parts.join(''));
  }

  function* outcomes(): Generator<ExpectedOutcome> {
    if (options.fileDefect) {
      yield { recordIndex: 0, ok: false, code: 'MALFORMED_FILE', defect: 'MALFORMED_FILE' };
      return;
    }
    for (const item of items()) yield item.outcome;
  }

  return {
    chunks,
    outcomes,
    async bytes() {
      const all: Buffer[] = [];
      for await (const c of chunks()) all.push(c);
      return Buffer.concat(all);
    },
  };
}

/** An outcome as a line of the shared samples' expected files (`expected/<file>.ndjson`). */
export function toExpectedLine(o: ExpectedOutcome): Record<string, unknown> {
  if (!o.ok) return o.recordIndex === 0 ? { reject: o.code, recordIndex: 0 } : { reject: o.code };
  return { kind: o.kind, type: o.event.type, subject: o.event.subject, time: o.event.time, data: o.event.data };
}
