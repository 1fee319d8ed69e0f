import type { RawRecord } from '@ajx/contracts';
import Assembler from 'stream-json/Assembler';
import { parser as jsonParser } from 'stream-json';
import {
  FORBIDDEN_FIELD_MESSAGE,
  FORBIDDEN_FIELD_NAME,
  MalformedFileError,
  MAX_RECORD_BYTES,
  malformedRecord,
  MAX_RECORD_DEPTH,
  nestsDeeperThan,
  keepOutOfRangeNumbersAsText,
  readableId,
  type ContainerCheck,
  type InsurerFileParser,
  type OpenBytes,
} from '../../parsers/insurer-file-parser';
import { DADI_ENVELOPE_KEYS, DADI_ID_FIELD, DADI_RECORDS_KEY } from './dadi.format';

interface Token {
  name: string;
  value?: string;
}

const REPLACEMENT = '\ufffd';

function holdsReplacement(v: unknown): boolean {
  if (typeof v === 'string') return v.includes(REPLACEMENT);
  if (Array.isArray(v)) return v.some(holdsReplacement);
  if (v && typeof v === 'object')
    return Object.entries(v as Record<string, unknown>).some(
      ([k, x]) => k.includes(REPLACEMENT) || holdsReplacement(x),
    );
  return false;
}

const INTEGER = /^-?\d+$/;

/** A JSON number's value; an integer beyond 2^53 (a USCC of digits sent as a number) keeps its digits as text. */
function numberOf(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) || !INTEGER.test(text) ? n : text;
}

/** The token to assemble: an integer too large for a double goes in as its digits (Assembler would parseFloat it). */
function exact(t: Token): Token {
  return t.name === 'numberValue' && typeof numberOf(t.value ?? '') === 'string'
    ? { name: 'stringValue', value: t.value }
    : t;
}

function scalarOf(t: Token): unknown {
  switch (t.name) {
    case 'stringValue':
      return t.value;
    case 'numberValue':
      return numberOf(t.value ?? '');
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
}

const OPENERS = new Set(['startObject', 'startArray']);
const CLOSERS = new Set(['endObject', 'endArray']);
const SCALARS = new Set(['stringValue', 'numberValue', 'trueValue', 'falseValue', 'nullValue']);

class NeedEnvelope extends Error {}

/**
 * Streams one DADI document through stream-json's tokenizer: the top level must be an object whose `sj` is an array
 * and whose `gsdm` names an insurer; each element of `sj` is assembled on its own (bounded by MAX_RECORD_BYTES).
 */
class DadiReader {
  private readonly parser = jsonParser({ packValues: true, streamValues: false });
  private error: Error | null = null;
  private depth = 0;
  private key: string | null = null;
  private inRecords = false;
  private sawRecords = false;
  private skipping = 0;
  private assembler: Assembler | null = null;
  private recordChars = 0;
  private recordForbidden = false;
  private recordIndex = 0;
  readonly envelope: Record<string, string | null> = { gsdm: null, pch: null };
  private readonly seen = new Set<string>();

  constructor(
    /** Each record, or null per record when only checking (`build` false: nothing is assembled then). */
    private readonly onRecord: (r: RawRecord | null) => void,
    private readonly knownEnvelope: Record<string, string | null> | null,
    private readonly needEnvelopeFirst: boolean,
    private readonly build = true,
  ) {
    if (knownEnvelope) Object.assign(this.envelope, knownEnvelope);
    this.parser.on('data', (t: Token) => {
      if (!this.error) {
        try {
          this.token(t);
        } catch (err) {
          this.error = err as Error;
        }
      }
    });
    this.parser.on('error', (err: Error) => {
      this.error ??= new MalformedFileError(`top-level JSON is invalid: ${err.message}`);
    });
  }

  write(chunk: Buffer): void {
    this.parser.write(chunk);
    this.raise();
  }

  async end(): Promise<void> {
    this.parser.end();
    await new Promise((resolve) => setImmediate(resolve)); // stream errors surface on a later tick
    this.raise();
    if (this.depth !== 0 || !this.seen.has('root')) throw new MalformedFileError('top-level JSON is incomplete');
    if (!this.sawRecords) throw new MalformedFileError(`the document has no "${DADI_RECORDS_KEY}" array`);
    if (!this.envelope.gsdm) throw new MalformedFileError('the document does not declare its insurer ("gsdm")');
  }

  private raise(): void {
    if (this.error) throw this.error;
  }

  private token(t: Token): void {
    if (this.assembler) return this.assemble(t);
    if (this.skipping) {
      if (OPENERS.has(t.name)) this.skipping++;
      else if (CLOSERS.has(t.name)) this.skipping--;
      return;
    }
    if (this.depth === 0) {
      if (t.name !== 'startObject' || this.seen.has('root'))
        throw new MalformedFileError('top-level JSON is not one object');
      this.seen.add('root');
      this.depth = 1;
      return;
    }
    if (this.inRecords) {
      if (t.name === 'endArray') {
        this.inRecords = false;
        return;
      }
      if (!this.build) {
        this.recordIndex++;
        this.onRecord(null);
        if (OPENERS.has(t.name)) this.skipping = 1;
        return;
      }
      if (OPENERS.has(t.name)) {
        this.assembler = new Assembler();
        this.recordChars = 0;
        this.recordForbidden = false;
        this.assembler.consume(t);
        return;
      }
      return this.emit(scalarOf(t), false);
    }
    // depth 1: the document's own keys
    if (t.name === 'endObject') {
      this.depth = 0;
      return;
    }
    if (t.name === 'keyValue') {
      this.key = t.value ?? '';
      return;
    }
    const key = this.key;
    this.key = null;
    if (key === DADI_RECORDS_KEY) {
      if (t.name !== 'startArray') throw new MalformedFileError(`"${DADI_RECORDS_KEY}" is not an array`);
      if (this.sawRecords) throw new MalformedFileError(`"${DADI_RECORDS_KEY}" appears twice`);
      if (this.needEnvelopeFirst && !this.knownEnvelope && DADI_ENVELOPE_KEYS.some((k) => !this.seen.has(k)))
        throw new NeedEnvelope();
      this.sawRecords = true;
      this.inRecords = true;
      return;
    }
    if (key !== null && (DADI_ENVELOPE_KEYS as readonly string[]).includes(key) && SCALARS.has(t.name)) {
      const v = scalarOf(t);
      this.seen.add(key);
      if (!this.knownEnvelope && !(this.needEnvelopeFirst && this.sawRecords))
        this.envelope[key] = typeof v === 'string' || typeof v === 'number' ? String(v).trim() || null : null;
      return;
    }
    if (OPENERS.has(t.name)) this.skipping = 1;
  }

  private assemble(token: Token): void {
    let t = token;
    const asm = this.assembler!;
    if (typeof t.value === 'string') this.recordChars += t.value.length;
    if (t.name === 'keyValue' && t.value === FORBIDDEN_FIELD_NAME) {
      // Never handed to the assembler (it would replace the object's prototype); the record is malformed.
      this.recordForbidden = true;
      t = { name: 'keyValue', value: '' };
    }
    if (this.recordChars <= MAX_RECORD_BYTES) asm.consume(exact(t));
    else if (OPENERS.has(t.name)) this.skipping++;
    else if (CLOSERS.has(t.name) && this.skipping) this.skipping--;
    else if (CLOSERS.has(t.name)) asm.consume(t);
    if (asm.done || (this.recordChars > MAX_RECORD_BYTES && asm.depth === 0)) {
      this.assembler = null;
      this.emit(asm.current, this.recordChars > MAX_RECORD_BYTES);
    }
  }

  private emit(value: unknown, oversized: boolean): void {
    const recordIndex = ++this.recordIndex;
    const envelope = this.envelope;
    const forbidden = this.recordForbidden;
    this.recordForbidden = false;
    if (oversized)
      return this.onRecord(
        malformedRecord(recordIndex, `record longer than ${MAX_RECORD_BYTES} characters`, null, envelope),
      );
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return this.onRecord(
        malformedRecord(recordIndex, `element of "${DADI_RECORDS_KEY}" is not an object`, null, envelope),
      );
    if (forbidden) return this.onRecord(malformedRecord(recordIndex, FORBIDDEN_FIELD_MESSAGE, null, envelope));
    if (nestsDeeperThan(value))
      return this.onRecord(
        malformedRecord(recordIndex, `record nests deeper than ${MAX_RECORD_DEPTH} levels`, null, envelope),
      );
    keepOutOfRangeNumbersAsText(value);
    const fields = value as Record<string, unknown>;
    const idField = typeof fields.lx === 'string' ? DADI_ID_FIELD[fields.lx] : undefined;
    const sourceId = idField ? readableId(fields[idField]) : null;
    if (holdsReplacement(fields))
      return this.onRecord(malformedRecord(recordIndex, 'bytes that do not decode as UTF-8', sourceId, envelope));
    this.onRecord({ recordIndex, sourceId, envelope, fields, malformed: null });
  }
}

export class DadiFileParser implements InsurerFileParser {
  readonly insurer = 'DADI';
  readonly contentTypes = ['application/json'] as const;

  async checkContainer(open: OpenBytes): Promise<ContainerCheck> {
    let records = 0;
    const reader = new DadiReader(() => records++, null, false, false);
    try {
      for await (const chunk of open()) reader.write(chunk);
      await reader.end();
    } catch (err) {
      if (err instanceof MalformedFileError) return { ok: false, message: err.message };
      throw err;
    }
    return { ok: true, records };
  }

  async *records(open: OpenBytes): AsyncGenerator<RawRecord> {
    try {
      yield* this.read(open, null);
    } catch (err) {
      if (!(err instanceof NeedEnvelope)) throw err;
      // `sj` came before `gsdm`: read the envelope first, then the records.
      const scan = new DadiReader(() => undefined, null, false, false);
      for await (const chunk of open()) scan.write(chunk);
      await scan.end();
      yield* this.read(open, { ...scan.envelope });
    }
  }

  private async *read(open: OpenBytes, envelope: Record<string, string | null> | null): AsyncGenerator<RawRecord> {
    const ready: RawRecord[] = [];
    const reader = new DadiReader((r) => ready.push(r!), envelope, true);
    for await (const chunk of open()) {
      reader.write(chunk);
      yield* ready.splice(0);
    }
    await reader.end();
    yield* ready.splice(0);
  }
}
