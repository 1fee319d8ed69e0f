import { parseRawRecord, RawRecordFormatError } from './raw-record';

describe('raw record JSON', () => {
  const raw = { recordIndex: 3, sourceId: 'P1', envelope: { kind: 'policy' }, fields: { a: 1 }, malformed: null };

  it('parses the JSON form (Buffer, string or value)', () => {
    expect(parseRawRecord(Buffer.from(JSON.stringify(raw)))).toEqual(raw);
    expect(parseRawRecord(JSON.stringify(raw))).toEqual(raw);
    expect(parseRawRecord({ ...raw, fields: null, malformed: { message: 'x' } }).malformed).toEqual({ message: 'x' });
  });

  it.each([
    ['not JSON', '{'],
    ['index 0', { ...raw, recordIndex: 0 }],
    ['both fields and malformed', { ...raw, malformed: { message: 'x' } }],
    ['neither', { ...raw, fields: null }],
    ['a numeric envelope value', { ...raw, envelope: { kind: 1 } }],
  ])('refuses %s', (_what, value) => {
    expect(() => parseRawRecord(value)).toThrow(RawRecordFormatError);
  });
});
