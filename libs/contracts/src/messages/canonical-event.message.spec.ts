import { buildCanonicalEvent } from '../events/canonical-event';
import { CanonicalEventFormatError } from '../events/kafka-binary';
import { samplePolicy as policy } from '../events/sample-events.fixture';
import { V1_RECORD_KINDS } from '../canonical/canonical-record';
import type { ClaimRecord } from '../canonical/canonical-record';
import {
  CanonicalHeaders,
  decodeCanonicalEventMessage,
  encodeCanonicalEventMessage,
  readCanonicalEventMessage,
} from './canonical-event.message';

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

const claim: ClaimRecord = {
  claimNo: 'PICCPA2025631703',
  insurer: 'PICC',
  action: 'filed',
  version: 1,
  policyNo: 'PICCAZ2023042729',
  accidentId: null,
  enterprise: {
    uscc: '91330902971540106E',
    name: '舟山顺通煤业有限责任公司',
    regionCode: '330902',
    sector: 'coal_mining',
  },
  filedAt: '2025-03-01T10:00:00+08:00',
  documentsCompleteAt: null,
  decidedAt: null,
  decision: null,
  agreedAt: null,
  paidAt: null,
  claimedFen: 12000000,
  agreedFen: null,
  paidFen: null,
  victims: 1,
};

describe('readCanonicalEventMessage (schema evolution: unknown kinds and schema versions are skipped)', () => {
  const policyMessage = encodeCanonicalEventMessage({ event, acceptedAt: null, correction: false });
  const claimMessage = encodeCanonicalEventMessage({
    event: buildCanonicalEvent('PICC', 'claim', claim, '2025-03-01T10:00:00+08:00'),
    acceptedAt: null,
    correction: false,
  });

  it('reads every kind of this release by default', () => {
    expect(readCanonicalEventMessage(policyMessage)).toMatchObject({ ok: true, message: { event } });
    expect(readCanonicalEventMessage(claimMessage)).toMatchObject({ ok: true });
  });

  it('skips a kind the reader does not handle (a v1-only reader and a claim), before looking at the data', () => {
    expect(readCanonicalEventMessage(policyMessage, V1_RECORD_KINDS)).toMatchObject({ ok: true });
    const broken = { ...claimMessage, value: Buffer.from('not even JSON') };
    for (const m of [claimMessage, broken])
      expect(readCanonicalEventMessage(m, V1_RECORD_KINDS)).toEqual({
        ok: false,
        reason: 'unknown-kind',
        dataschema: 'urn:ajx:claim:v1',
        type: 'ajx.claim.filed',
        detail: 'kind claim is not one this reader handles (policy, service, hazard)',
      });
  });

  it('skips a kind and a schema version of a later standard', () => {
    const finding = {
      ...policyMessage,
      headers: { ...policyMessage.headers, ce_dataschema: 'urn:ajx:finding:v1', ce_type: 'ajx.finding.raised' },
    };
    expect(readCanonicalEventMessage(finding)).toMatchObject({ ok: false, reason: 'unknown-kind' });
    const v2 = { ...policyMessage, headers: { ...policyMessage.headers, ce_dataschema: 'urn:ajx:policy:v2' } };
    expect(readCanonicalEventMessage(v2)).toMatchObject({
      ok: false,
      reason: 'unknown-schema-version',
      detail: 'schema version 2 of policy is not known here (this release reads urn:ajx:policy:v1)',
    });
  });

  it('calls anything else that does not decode invalid', () => {
    const bad = { ...policyMessage, headers: { ...policyMessage.headers, ce_region: '330100' } };
    expect(readCanonicalEventMessage(bad)).toMatchObject({ ok: false, reason: 'invalid' });
    const noSchema = { ...policyMessage, headers: { ...policyMessage.headers, ce_dataschema: 'urn:other' } };
    expect(readCanonicalEventMessage(noSchema)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
