import type { RawRecord } from '@ajx/contracts';
import { SaxesParser } from 'saxes';
import {
  FORBIDDEN_FIELD_MESSAGE,
  FORBIDDEN_FIELD_NAME,
  MalformedFileError,
  MAX_RECORD_BYTES,
  malformedRecord,
  MAX_RECORD_DEPTH,
  nestsDeeperThan,
  readableId,
  type ContainerCheck,
  type InsurerFileParser,
  type OpenBytes,
} from '../../parsers/insurer-file-parser';
import { CPIC_ENVELOPE_ATTRIBUTES, CPIC_ROOT, XML_ATTRIBUTE_PREFIX, XML_TEXT_KEY } from './cpic.format';

/**
 * An element in JSON form, keeping CPIC's names: an element with neither attributes nor child elements is its text;
 * otherwise an object with `@attribute` keys, child elements by name (an array when the name repeats) and its
 * non-blank text under `#text`. A record is `{<element name>: <element>}`.
 */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

interface Building {
  name: string;
  attributes: Record<string, string>;
  children: Map<string, XmlValue[]> | null;
  text: string;
}

function finish(el: Building): XmlValue {
  let obj: XmlObject | null = null;
  for (const a in el.attributes) (obj ??= {})[XML_ATTRIBUTE_PREFIX + a] = el.attributes[a];
  if (el.children)
    for (const [name, values] of el.children) {
      // A child named like the forbidden field would replace the object's prototype; its record is rejected anyway.
      if (name !== FORBIDDEN_FIELD_NAME) (obj ??= {})[name] = values.length === 1 ? values[0] : values;
    }
  if (!obj) return el.text;
  if (el.text.trim()) obj[XML_TEXT_KEY] = el.text;
  return obj;
}

const REPLACEMENT = '\ufffd';

/**
 * Streams one CPIC document through saxes, calling `onRecord` for each child element of the root. Refuses what the
 * standard refuses as a whole file: not well-formed XML, a DOCTYPE (so no entity declarations), another root, an
 * encoding other than UTF-8, a root without `insurer`.
 */
class CpicReader {
  private readonly parser = new SaxesParser({ xmlns: false });
  private readonly decoder = new TextDecoder('utf-8');
  private stack: Building[] = [];
  private envelope: Record<string, string | null> | null = null;
  private recordIndex = 0;
  private recordChars = 0;
  private recordUndecodable = false;
  private recordOversized = false;
  private recordForbidden = false;

  /** Element depth below the root, when only checking (no record is built then). */
  private depth = 0;

  /** `build` false: pass 1, only well-formedness and a count (`onRecord(null)` per record). */
  constructor(
    private readonly onRecord: (record: RawRecord | null) => void,
    private readonly build: boolean,
  ) {
    const p = this.parser;
    p.on('doctype', () => {
      throw new MalformedFileError('a DOCTYPE (and with it entity declarations) is not allowed');
    });
    p.on('xmldecl', (decl) => {
      if (decl.encoding && !/^utf-?8$/i.test(decl.encoding))
        throw new MalformedFileError(`encoding ${decl.encoding} is not UTF-8`);
    });
    p.on('opentag', (tag) => this.open(tag.name, tag.attributes as Record<string, string>));
    p.on('closetag', () => this.close());
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
  }

  write(chunk: Buffer): void {
    this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.feed(this.decoder.decode());
    this.guard(() => this.parser.close());
    if (!this.envelope) throw new MalformedFileError(`no <${CPIC_ROOT}> element`);
  }

  private feed(text: string): void {
    if (text) this.guard(() => this.parser.write(text));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof MalformedFileError) throw err;
      throw new MalformedFileError(`not well-formed XML: ${(err as Error).message}`);
    }
  }

  private count(s: string): void {
    if (this.stack.length < 2) return;
    if (s.includes(REPLACEMENT)) this.recordUndecodable = true;
    this.recordChars += s.length;
    if (this.recordChars > MAX_RECORD_BYTES) this.recordOversized = true;
  }

  private open(name: string, attributes: Record<string, string>): void {
    if (!this.envelope) {
      if (name !== CPIC_ROOT) throw new MalformedFileError(`the root element is <${name}>, not <${CPIC_ROOT}>`);
      const env: Record<string, string | null> = {};
      for (const a of CPIC_ENVELOPE_ATTRIBUTES) env[a] = attributes[a]?.trim() || null;
      if (!env.insurer) throw new MalformedFileError(`<${CPIC_ROOT}> does not declare its insurer`);
      this.envelope = env;
      this.stack.push({ name, attributes: {}, children: null, text: '' });
      return;
    }
    if (!this.build) {
      this.depth++;
      return;
    }
    if (this.stack.length === 1) {
      this.recordChars = 0;
      this.recordUndecodable = false;
      this.recordOversized = false;
      this.recordForbidden = false;
    }
    if (name === FORBIDDEN_FIELD_NAME) this.recordForbidden = true;
    this.stack.push({ name, attributes, children: null, text: '' });
    this.count(name);
    for (const k in attributes) this.count(attributes[k]);
  }

  private text(t: string): void {
    if (!this.build || this.stack.length < 2) return; // text between records is not part of any
    this.count(t);
    if (this.recordOversized) return;
    this.stack[this.stack.length - 1].text += t;
  }

  private close(): void {
    if (!this.build && this.depth > 0) {
      if (--this.depth === 0) this.onRecord(null);
      return;
    }
    const el = this.stack.pop()!;
    if (this.stack.length === 0) return; // the root
    const value = this.recordOversized ? '' : finish(el);
    if (this.stack.length > 1) {
      const parent = this.stack[this.stack.length - 1];
      const children = (parent.children ??= new Map<string, XmlValue[]>());
      const list = children.get(el.name);
      if (list) list.push(value);
      else children.set(el.name, [value]);
      return;
    }
    const envelope = this.envelope!;
    const recordIndex = ++this.recordIndex;
    const sourceId = typeof value === 'object' && !Array.isArray(value) ? sourceIdOf(el.name, value) : null;
    let record: RawRecord;
    if (this.recordOversized) {
      record = malformedRecord(
        recordIndex,
        `<${el.name}> is longer than ${MAX_RECORD_BYTES} characters`,
        null,
        envelope,
      );
    } else if (this.recordForbidden) {
      record = malformedRecord(recordIndex, FORBIDDEN_FIELD_MESSAGE, sourceId, envelope);
    } else if (this.recordUndecodable) {
      record = malformedRecord(recordIndex, `<${el.name}> holds bytes that do not decode as UTF-8`, sourceId, envelope);
    } else if (nestsDeeperThan(value)) {
      record = malformedRecord(
        recordIndex,
        `<${el.name}> nests deeper than ${MAX_RECORD_DEPTH} levels`,
        null,
        envelope,
      );
    } else {
      record = { recordIndex, sourceId, envelope, fields: { [el.name]: value }, malformed: null };
    }
    this.onRecord(record);
  }
}

function sourceIdOf(name: string, el: XmlObject): string | null {
  if (name === 'Policy') return readableId(el.PolicyNo);
  return readableId(el[`${XML_ATTRIBUTE_PREFIX}id`]);
}

export class CpicFileParser implements InsurerFileParser {
  readonly insurer = 'CPIC';
  readonly contentTypes = ['application/xml', 'text/xml'] as const;

  async checkContainer(open: OpenBytes): Promise<ContainerCheck> {
    let records = 0;
    const reader = new CpicReader(() => records++, false);
    try {
      for await (const chunk of open()) reader.write(chunk);
      reader.end();
    } catch (err) {
      if (err instanceof MalformedFileError) return { ok: false, message: err.message };
      throw err;
    }
    return { ok: true, records };
  }

  async *records(open: OpenBytes): AsyncGenerator<RawRecord> {
    const ready: RawRecord[] = [];
    const reader = new CpicReader((record) => ready.push(record!), true);
    for await (const chunk of open()) {
      reader.write(chunk);
      yield* ready.splice(0);
    }
    reader.end();
    yield* ready.splice(0);
  }
}
