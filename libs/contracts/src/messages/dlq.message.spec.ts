import { decodeDlqMessage, DlqHeaders, type DlqMessage, encodeDlqMessage } from './dlq.message';

const reject: DlqMessage = {
  key: 'PICC001',
  value: Buffer.from('{"recordIndex":4}'),
  code: 'UNKNOWN_REGION',
  message: 'regionCode 339999 is not a current county',
  insurer: 'PICC',
  batchId: '0b6f1c1e-5d57-4c6b-9f0e-2f9e3c1d7a10',
  recordIndex: 4,
  source: { topic: 'ajx.raw.v1.PICC', partition: 2, offset: '1234' },
  rejectedAt: new Date('2026-11-02T03:04:05.000Z'),
  replayId: null,
};

describe('DLQ message (ajx.dlq.v1)', () => {
  it('round-trips the rejected value byte for byte with the reason and where it was read', () => {
    const m = encodeDlqMessage(reject);
    expect(m.value).toBe(reject.value);
    expect(m.headers[DlqHeaders.code]).toBe('UNKNOWN_REGION');
    expect(m.headers[DlqHeaders.sourceOffset]).toBe('1234');
    expect(DlqHeaders.replayId in m.headers).toBe(false);
    expect(decodeDlqMessage(m)).toEqual(reject);
  });

  it('round-trips a reject without batch, index, value or key, and one from a replay', () => {
    const bare: DlqMessage = { ...reject, key: null, value: null, batchId: null, recordIndex: null, replayId: 'r-1' };
    const m = encodeDlqMessage(bare);
    expect(m.headers[DlqHeaders.batchId]).toBe('');
    expect(m.headers[DlqHeaders.recordIndex]).toBe('');
    expect(decodeDlqMessage(m)).toEqual(bare);
  });
});
