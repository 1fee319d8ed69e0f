import type { RawRecord, RecordKind } from '@ajx/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';
import { byteLines, withoutCr } from '../../parsers/byte-lines';
import {
  MalformedFileError,
  MAX_RECORD_BYTES,
  malformedRecord,
  type ContainerCheck,
  type InsurerFileParser,
  type OpenBytes,
} from '../../parsers/insurer-file-parser';
import { PICC_ENCODING, PICC_HEADERS, PICC_ID_COLUMN } from './picc.format';

const QUOTE = 0x22;
const COMMA = ',';
// GB18030 encodes U+FFFD as 84 31 A4 37: a decoded U+FFFD is an undecodable byte only when that sequence is absent.
const ENCODED_REPLACEMENT = Buffer.from([0x84, 0x31, 0xa4, 0x37]);

function countQuotes(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(QUOTE); i !== -1; i = bytes.indexOf(QUOTE, i + 1)) n++;
  return n;
}

/** One CSV record as framed from physical lines (a quoted field may span lines). */
interface Frame {
  lines: Buffer[];
  /** The quotes never balanced (end of file, or the frame grew past MAX_RECORD_BYTES). */
  unterminated: boolean;
  oversized: boolean;
}

/**
 * Frames CSV records from physical lines by quote parity (a line break ends a record only outside quotes, which
 * in RFC 4180 means after an even number of quotes). When the quotes never balance — a stray quote — only the
 * first line is given up as malformed and framing restarts on the next line, so one bad record costs one record.
 * Lines a broken record did not need are requeued and framed again with the lines after them.
 */
class CsvFramer {
  /** Lines waiting to be framed, in file order. */
  private queue: Buffer[] = [];
  private pending: Buffer[] = [];
  private size = 0;
  private odd = false;

  /** Puts lines back in front of those not framed yet (called between two frames). */
  requeue(lines: Buffer[]): void {
    this.queue.unshift(...lines);
  }

  *push(line: Buffer): Generator<Frame> {
    this.queue.push(line);
    yield* this.drain(false);
  }

  /** End of input (or before an oversized line): whatever is pending never closed. */
  *flush(): Generator<Frame> {
    yield* this.drain(true);
  }

  private *drain(atEnd: boolean): Generator<Frame> {
    for (;;) {
      if (this.queue.length) {
        const l = this.queue.shift()!;
        this.pending.push(l);
        this.size += l.length + 1;
        if (countQuotes(l) % 2 === 1) this.odd = !this.odd;
        if (!this.odd) yield { lines: this.take(), unterminated: false, oversized: false };
        else if (this.size > MAX_RECORD_BYTES) yield this.giveUpFirstLine();
      } else if (atEnd && this.pending.length) {
        yield this.giveUpFirstLine();
      } else {
        return;
      }
    }
  }

  private giveUpFirstLine(): Frame {
    const [first, ...rest] = this.take();
    this.queue.unshift(...rest);
    return { lines: [first], unterminated: true, oversized: false };
  }

  private take(): Buffer[] {
    const lines = this.pending;
    this.pending = [];
    this.size = 0;
    this.odd = false;
    return lines;
  }
}

async function* frames(
  framer: CsvFramer,
  lines: AsyncIterable<{ bytes: Buffer; oversized: boolean }>,
): AsyncGenerator<Frame> {
  for await (const line of lines) {
    if (line.oversized) {
      yield* framer.flush();
      yield { lines: [], unterminated: false, oversized: true };
    } else {
      yield* framer.push(line.bytes);
    }
  }
  yield* framer.flush();
}

type ParsedFrame =
  | { kind: 'blank' }
  | { kind: 'fields'; fields: string[]; undecodable: boolean }
  | { kind: 'broken'; message: string; rest: Buffer[] };

function decode(bytes: Buffer): { text: string; undecodable: boolean } {
  const text = iconv.decode(bytes, PICC_ENCODING);
  return { text, undecodable: text.includes('\ufffd') && !bytes.includes(ENCODED_REPLACEMENT) };
}

/** Splits one framed record into fields: csv-parse for quoted records, a plain split where there is no quote. */
function parseFrame(frame: Frame): ParsedFrame {
  if (frame.oversized) return { kind: 'broken', message: `record longer than ${MAX_RECORD_BYTES} bytes`, rest: [] };
  const bytes = withoutCr(
    frame.lines.length === 1
      ? frame.lines[0]
      : Buffer.concat(frame.lines.flatMap((l, i) => (i ? [Buffer.from('\n'), l] : [l]))),
  );
  const { text, undecodable } = decode(bytes);
  if (frame.lines.length === 1 && text.trim() === '') return { kind: 'blank' };
  if (frame.unterminated) return { kind: 'broken', message: 'stray quote: the quoted field never closes', rest: [] };
  if (!bytes.includes(QUOTE)) return { kind: 'fields', fields: text.split(COMMA), undecodable };
  const quick = splitQuotedRecord(text);
  if (quick) return { kind: 'fields', fields: quick, undecodable };
  try {
    const rows = parseCsv(text, { relax_column_count: true, skip_empty_lines: false });
    if (rows.length !== 1) return { kind: 'broken', message: `expected one record, found ${rows.length}`, rest: [] };
    return { kind: 'fields', fields: rows[0], undecodable };
  } catch (err) {
    // The record ends on the line where the parser gave up; framing restarts after it.
    const line = Math.min(Math.max(Number((err as { lines?: number }).lines) || 1, 1), frame.lines.length);
    return {
      kind: 'broken',
      message: `not valid CSV: ${(err as Error).message}`,
      rest: frame.lines.slice(line),
    };
  }
}

/**
 * Fields of one well-formed RFC 4180 record that holds quotes, or null when it is not strictly well formed — then
 * csv-parse, which is the judge of malformed CSV here, parses it and says what is wrong. (csv-parse's synchronous
 * API costs ~150 µs a call; this keeps quoted records as cheap as the others. The unit tests check both agree.)
 */
export function splitQuotedRecord(text: string): string[] | null {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) return null;
        value += text.slice(i, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === n) return fields;
      if (text[i] !== COMMA) return null;
      i++;
    } else {
      const c = text.indexOf(COMMA, i);
      const value = c === -1 ? text.slice(i) : text.slice(i, c);
      if (value.includes('"')) return null;
      fields.push(value);
      if (c === -1) return fields;
      i = c + 1;
    }
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}

const NOT_A_HEADER = `the header is not one of the PICC headers (${Object.keys(PICC_HEADERS).join(', ')})`;

function kindOfHeader(fields: readonly string[]): RecordKind | undefined {
  return (Object.keys(PICC_HEADERS) as RecordKind[]).find(
    (k) => PICC_HEADERS[k].length === fields.length && PICC_HEADERS[k].every((h, i) => h === fields[i]),
  );
}

/** Every parsed frame of the file in order; a broken record's leftover lines are framed again. */
async function* parsedFrames(open: OpenBytes): AsyncGenerator<ParsedFrame> {
  const framer = new CsvFramer();
  for await (const frame of frames(framer, byteLines(open()))) {
    const parsed = parseFrame(frame);
    if (parsed.kind === 'broken' && parsed.rest.length) framer.requeue(parsed.rest);
    yield parsed;
  }
}

export class PiccFileParser implements InsurerFileParser {
  readonly insurer = 'PICC';
  readonly contentTypes = ['text/csv'] as const;

  async checkContainer(open: OpenBytes): Promise<ContainerCheck> {
    let kind: RecordKind | undefined;
    let records = 0;
    for await (const parsed of parsedFrames(open)) {
      if (parsed.kind === 'blank') continue;
      if (!kind) {
        kind = parsed.kind === 'fields' && !parsed.undecodable ? kindOfHeader(parsed.fields) : undefined;
        if (!kind) return { ok: false, message: NOT_A_HEADER };
        continue;
      }
      records++;
    }
    if (!kind) return { ok: false, message: 'the file has no header row' };
    return { ok: true, records };
  }

  async *records(open: OpenBytes): AsyncGenerator<RawRecord> {
    let kind: RecordKind | undefined;
    let header: readonly string[] = [];
    let idColumn = -1;
    let envelope: Record<string, string | null> = {};
    let recordIndex = 0;
    for await (const parsed of parsedFrames(open)) {
      if (parsed.kind === 'blank') continue;
      if (!kind) {
        kind = parsed.kind === 'fields' && !parsed.undecodable ? kindOfHeader(parsed.fields) : undefined;
        if (!kind) throw new MalformedFileError(NOT_A_HEADER);
        header = PICC_HEADERS[kind];
        idColumn = header.indexOf(PICC_ID_COLUMN[kind]);
        envelope = { kind };
        continue;
      }
      recordIndex++;
      if (parsed.kind === 'broken') {
        yield malformedRecord(recordIndex, parsed.message, null, envelope);
        continue;
      }
      const { fields } = parsed;
      const id = fields[idColumn]?.trim();
      const sourceId = id && !id.includes('\ufffd') ? id : null;
      if (parsed.undecodable) {
        yield malformedRecord(recordIndex, 'bytes that do not decode as GB18030', sourceId, envelope);
      } else if (fields.length !== header.length) {
        yield malformedRecord(
          recordIndex,
          `${fields.length} columns, the ${kind} header has ${header.length}`,
          sourceId,
          envelope,
        );
      } else {
        const record: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) record[header[i]] = fields[i];
        yield { recordIndex, sourceId, envelope, fields: record, malformed: null };
      }
    }
    if (!kind) throw new MalformedFileError('the file has no header row');
  }
}
