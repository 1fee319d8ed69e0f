import {
  type AdapterCheckpoint,
  AdapterCheckpointFormatError,
  adapterBatchId,
  decodeAdapterCheckpointMessage,
  encodeAdapterCheckpointMessage,
} from './adapter-checkpoint.message';

const sha256 = 'a'.repeat(64);
const checkpoint: AdapterCheckpoint = {
  insurer: 'PINGAN',
  sha256,
  batchId: adapterBatchId('PINGAN', sha256),
  file: 'pingan-20261101.ndjson',
  published: 2000,
  chunks: 2,
  done: false,
  startedAt: '2026-11-01T01:00:00.000Z',
  updatedAt: '2026-11-01T01:00:03.000Z',
};

describe('adapter checkpoint message (ajx.adapter-state.v1.<INSURER>)', () => {
  it('round-trips, keyed by the file SHA-256', () => {
    const m = encodeAdapterCheckpointMessage(checkpoint);
    expect(m.key).toBe(sha256);
    expect(decodeAdapterCheckpointMessage(m)).toEqual(checkpoint);
  });

  it('refuses a message that is not a checkpoint', () => {
    expect(() => decodeAdapterCheckpointMessage({ value: null, headers: {} })).toThrow(AdapterCheckpointFormatError);
    expect(() => decodeAdapterCheckpointMessage({ value: '{"insurer":"PINGAN"}', headers: {} })).toThrow(
      AdapterCheckpointFormatError,
    );
  });
});
