import { buildCanonicalEvent } from '../events/canonical-event';
import { CanonicalEventFormatError } from '../events/kafka-binary';
import { samplePolicy as policy } from '../events/sample-events.fixture';
import { CanonicalHeaders, decodeCanonicalEventMessage, encodeCanonicalEventMessage } from './canonical-event.message';

const event = buildCanonicalEvent('PICC', 'policy', policy, '2024-04-14T12:46:13+08:00');

describe('canonical event message (ajx.canonical.v1)', () => {
  it('round-trips the event, its acceptance time and the correction flag', () => {
    for (const correction of [false, true]) {
      const m = encodeCanonicalEventMessage({ event, acceptedAt: new Date('2026-11-01T01:31:00.000Z'), correction });
      expect(m.key).toBe(policy.enterprise.uscc);
      expect(m.headers[CanonicalHeaders.acceptedAt]).toBe('2026-11-01T01:31:00.000Z');
      expect(m.headers[CanonicalHeaders.correction]).toBe(correction ? 'true' : undefined);
      expect(decodeCanonicalEventMessage(m)).toEqual({
        event,
        acceptedAt: new Date('2026-11-01T01:31:00.000Z'),
        correction,
      });
    }
  });

  it('reads a message without an acceptance time, and refuses one whose attributes disagree with the data', () => {
    const m = encodeCanonicalEventMessage({ event, acceptedAt: null, correction: false });
    expect(decodeCanonicalEventMessage(m).acceptedAt).toBeNull();
    expect(() => decodeCanonicalEventMessage({ ...m, headers: { ...m.headers, ce_region: '330100' } })).toThrow(
      CanonicalEventFormatError,
    );
  });
});
