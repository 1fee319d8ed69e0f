import type { RawRecord } from '@ajx/contracts';
import { simulateFile } from '@ajx/simulation';
import { fileParserFor } from '../insurers/registry';
import type { InsurerMapping } from './insurer-mapping';
import { createNormalizer, UnknownInsurerError } from './normalizer';

async function rawRecords(
  insurer: string,
  seed: number,
  kind: 'policy' | 'service' | 'hazard' = 'policy',
): Promise<RawRecord[]> {
  const file = simulateFile({ insurer, seed, kind, records: 60, noise: 0.5, defectRate: 0.3 });
  const out: RawRecord[] = [];
  for await (const r of fileParserFor(insurer)!.records(() => file.chunks())) out.push(r);
  return out;
}

jest.setTimeout(60_000);

describe('normaliser', () => {
  const normalizer = createNormalizer();

  it.each(['PICC', 'PINGAN', 'CPIC', 'DADI'])(
    '%s: gives the same result from the JSON form of a raw record',
    async (insurer) => {
      for (const raw of await rawRecords(insurer, 11, 'service')) {
        const viaKafka = JSON.parse(JSON.stringify(raw)) as RawRecord;
        expect(normalizer.normalize(insurer, viaKafka)).toEqual(normalizer.normalize(insurer, raw));
      }
    },
  );

  it('decides INSURER_MISMATCH from the envelope against the delivering insurer', async () => {
    const [raw] = await rawRecords('CPIC', 5);
    expect(normalizer.normalize('CPIC', { ...raw, envelope: { ...raw.envelope, insurer: 'PINGAN' } })).toMatchObject({
      ok: false,
      reject: { code: 'INSURER_MISMATCH', recordIndex: raw.recordIndex },
    });
  });

  it('turns a malformed raw record into MALFORMED_RECORD with its sourceId', () => {
    const raw: RawRecord = {
      recordIndex: 4,
      sourceId: 'X9',
      envelope: {},
      fields: null,
      malformed: { message: 'bad line' },
    };
    expect(normalizer.normalize('PINGAN', raw)).toEqual({
      ok: false,
      reject: { recordIndex: 4, code: 'MALFORMED_RECORD', message: 'bad line', sourceId: 'X9' },
    });
  });

  it('uses an injected mapping (pinned version) and says which', () => {
    const pinned: InsurerMapping = {
      insurer: 'PICC',
      version: 'PICC-test',
      map: () => ({ kind: 'policy', record: null as never, time: '' }),
    };
    const n = createNormalizer({ mappings: { PICC: pinned } });
    expect(n.mappingVersion('PICC')).toBe('PICC-test');
    expect(n.mappingVersion('DADI')).toBe('DADI-2.0.0');
    expect(() =>
      n.normalize('NOPE', { recordIndex: 1, sourceId: null, envelope: {}, fields: {}, malformed: null }),
    ).toThrow(UnknownInsurerError);
  });

  it('rejects unknown record types as MALFORMED_RECORD', () => {
    const raw = (fields: Record<string, unknown>): RawRecord => ({
      recordIndex: 1,
      sourceId: null,
      envelope: { gsdm: 'DADI', insurer: 'CPIC' },
      fields,
      malformed: null,
    });
    expect(normalizer.normalize('PINGAN', raw({ recordType: 'INVOICE' }))).toMatchObject({
      reject: { code: 'MALFORMED_RECORD' },
    });
    expect(normalizer.normalize('DADI', raw({ lx: 'pc' }))).toMatchObject({ reject: { code: 'MALFORMED_RECORD' } });
    expect(normalizer.normalize('CPIC', raw({ Invoice: {} }))).toMatchObject({ reject: { code: 'MALFORMED_RECORD' } });
  });

  it('knows the record types of data standard v2 (an empty one misses fields, it is not an unknown type)', () => {
    const raw = (fields: Record<string, unknown>, envelope: Record<string, string | null> = {}): RawRecord => ({
      recordIndex: 1,
      sourceId: null,
      envelope: { gsdm: 'DADI', insurer: 'CPIC', ...envelope },
      fields,
      malformed: null,
    });
    const missing = { ok: false, reject: { code: 'MISSING_FIELD' } };
    for (const recordType of ['ACCIDENT', 'CLAIM'])
      expect(normalizer.normalize('PINGAN', raw({ recordType }))).toMatchObject(missing);
    for (const lx of ['sg', 'lp']) expect(normalizer.normalize('DADI', raw({ lx }))).toMatchObject(missing);
    for (const element of ['Accident', 'Claim'])
      expect(normalizer.normalize('CPIC', raw({ [element]: {} }))).toMatchObject(missing);
    for (const kind of ['accident', 'claim'])
      expect(normalizer.normalize('PICC', raw({}, { kind }))).toMatchObject(missing);
  });
});
