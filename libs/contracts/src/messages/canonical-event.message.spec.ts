import type { PolicyRecord } from '../canonical/canonical-record';
import { buildCanonicalEvent } from '../events/canonical-event';
import { CanonicalEventFormatError } from '../events/kafka-binary';
import { CanonicalHeaders, decodeCanonicalEventMessage, encodeCanonicalEventMessage } from './canonical-event.message';

const policy: PolicyRecord = {
  policyNo: 'PICCAZ2023042729',
  insurer: 'PICC',
  action: 'issued',
  version: 0,
  enterprise: {
    uscc: '91330902971540106E',
    name: '舟山顺通煤业有限责任公司',
    regionCode: '330902',
    sector: 'coal_mining',
    industryCode: null,
    employeeCount: 259,
  },
  contact: { name: null, phone: null },
  coverage: {
    start: '2023-04-01',
    end: '2025-04-28',
    insuredHeadcount: 259,
    perPersonLimitFen: 80000000,
    totalLimitFen: null,
  },
  premium: {
    amountFen: 21404700,
    adjustmentPct: 30,
    factors: { standardization: 'level3', safetyCulture: 'none', advancedUnit: 'city', priorYearAccident: 'general' },
  },
  preventionFeeFen: 1070235,
  cancelledOn: null,
};
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
