import type { RawRecord } from '../raw/raw-record';
import { decodeRawRecordMessage, encodeRawRecordMessage, RawHeaders, rawRecordHeaders } from './raw-record.message';

const raw: RawRecord = {
  recordIndex: 7,
  sourceId: 'ＰＩＣＣ 001',
  envelope: { kind: 'policy' },
  fields: { policyNo: 'PICC001', premium: '100.00' },
  malformed: null,
};
const batchId = '0b6f1c1e-5d57-4c6b-9f0e-2f9e3c1d7a10';
const acceptedAt = new Date('2026-11-02T03:04:05.678Z');

describe('raw record message (ajx.raw.v1.<INSURER>)', () => {
  it('round-trips: key, value and headers carry the record, its batch, index and acceptance time', () => {
    const m = encodeRawRecordMessage({ batchId, acceptedAt, raw }, 'PICC001');
    expect(m.key).toBe('PICC001');
    expect(m.headers).toEqual({
      [RawHeaders.batchId]: batchId,
      [RawHeaders.recordIndex]: '7',
      [RawHeaders.acceptedAt]: '2026-11-02T03:04:05.678Z',
    });
    expect(decodeRawRecordMessage({ ...m, value: Buffer.from(m.value as string), timestamp: '0' })).toEqual({
      batchId,
      recordIndex: 7,
      acceptedAt,
      raw,
      invalid: null,
      batch: null,
    });
  });

  it("carries an adapter's batch announcement, and drops one that is not well formed", () => {
    const batch = { records: 12, sha256: 'ab'.repeat(32), bytes: 3456, file: '保单 2026-03.csv' };
    const m = encodeRawRecordMessage({ batchId, acceptedAt, raw, batch }, 'PICC001');
    expect(m.headers[RawHeaders.batchFile]).toBe(encodeURIComponent('保单 2026-03.csv'));
    expect(decodeRawRecordMessage({ ...m, value: Buffer.from(m.value as string) }).batch).toEqual(batch);
    for (const [header, value] of [
      [RawHeaders.batchRecords, '0'],
      [RawHeaders.batchSha256, 'AB'.repeat(32)],
      [RawHeaders.batchBytes, '-1'],
      [RawHeaders.batchFile, '%E0%A4%A'],
    ]) {
      const headers = { ...m.headers, [header]: value };
      expect({
        header,
        batch: decodeRawRecordMessage({ ...m, headers, value: Buffer.from(m.value as string) }).batch,
      }).toEqual({
        header,
        batch: null,
      });
    }
  });

  it('reads what it can of a message that is not a raw record, and says why', () => {
    const d = decodeRawRecordMessage({
      value: Buffer.from('{'),
      headers: { [RawHeaders.batchId]: 'not-a-uuid', [RawHeaders.recordIndex]: '3' },
      timestamp: '1700000000000',
    });
    expect(d).toMatchObject({ batchId: null, recordIndex: 3, raw: null, acceptedAt: new Date(1700000000000) });
    expect(d.invalid).toMatch(/^raw record is not JSON/);
    expect(decodeRawRecordMessage({ value: null, headers: {}, timestamp: '0' }).invalid).toBe(
      'the message has no value',
    );
  });

  it('rebuilds the headers of a stored record (a DLQ entry) as they were sent', () => {
    const m = encodeRawRecordMessage({ batchId, acceptedAt, raw }, 'k');
    expect(rawRecordHeaders({ batchId, recordIndex: 7, acceptedAt })).toEqual(m.headers);
    expect(rawRecordHeaders({ batchId: null, recordIndex: null, acceptedAt: null })).toEqual({});
  });
});
