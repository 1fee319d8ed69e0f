import { CloudEvent, Kafka } from 'cloudevents';
import type { AccidentRecord, ClaimRecord } from '../canonical/canonical-record';
import { samplePolicy as policy } from './sample-events.fixture';
import { buildCanonicalEvent, CANONICAL_EVENT_TYPES, kindOfEvent } from './canonical-event';
import { canonicalEventId } from './event-id';
import { CanonicalEventFormatError, fromKafkaBinary, toKafkaBinary } from './kafka-binary';
import { fromStructured, toStructured } from './structured';

const event = buildCanonicalEvent('PICC', 'policy', policy, '2024-04-14T12:46:13+08:00');

describe('canonical CloudEvents', () => {
  it('derives the id as UUIDv5 of insurer:kind:subject:version', () => {
    expect(canonicalEventId('PICC', 'policy', 'PICCAZ2023042729', 0)).toBe(event.id);
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(canonicalEventId('PICC', 'policy', 'PICCAZ2023042729', 1)).not.toBe(event.id);
    expect(canonicalEventId('PINGAN', 'policy', 'PICCAZ2023042729', 0)).not.toBe(event.id);
  });

  it('fills the attributes and extensions from the record', () => {
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/insurers/PICC',
      type: 'ajx.policy.issued',
      subject: 'PICCAZ2023042729',
      dataschema: 'urn:ajx:policy:v1',
      datacontenttype: 'application/json',
      insurer: 'PICC',
      region: '330902',
      sector: 'coal_mining',
      uscc: '91330902971540106E',
      sourceversion: 0,
    });
    expect(kindOfEvent(event)).toBe('policy');
  });

  it('round-trips through Kafka binary mode with string ce_ headers and the USCC as key', () => {
    const msg = toKafkaBinary(event);
    expect(msg.key).toBe('91330902971540106E');
    expect(msg.headers.ce_sourceversion).toBe('0');
    expect(msg.headers['content-type']).toBe('application/json');
    expect(Object.values(msg.headers).every((v) => typeof v === 'string')).toBe(true);
    const buffers = Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaBinary(buffers, msg.value)).toEqual(event);
  });

  it('is read by the cloudevents SDK Kafka binding, and reads what the SDK writes', () => {
    const msg = toKafkaBinary(event);
    const sdk = Kafka.toEvent({
      headers: msg.headers,
      key: msg.key,
      value: msg.value.toString(),
    } as never) as CloudEvent;
    expect(sdk.id).toBe(event.id);
    expect(sdk.subject).toBe(event.subject);
    expect(sdk['uscc']).toBe(event.uscc);
    const written = Kafka.binary(new CloudEvent({ ...event, sourceversion: '0' } as never));
    const headers = Object.fromEntries(
      Object.entries(written.headers)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    expect(fromKafkaBinary(headers, Buffer.from(JSON.stringify(written.value)))).toEqual(event);
  });

  it.each([
    ['a missing attribute', (h: Record<string, string>) => delete h.ce_id],
    ['another specversion', (h: Record<string, string>) => (h.ce_specversion = '0.3')],
    ['an id that is not the derived one', (h: Record<string, string>) => (h.ce_id = 'x')],
    ['a region that disagrees with the data', (h: Record<string, string>) => (h.ce_region = '330903')],
    ['a time that is not canonical', (h: Record<string, string>) => (h.ce_time = '2024-04-14T04:46:13Z')],
    ['an unknown dataschema', (h: Record<string, string>) => (h.ce_dataschema = 'urn:ajx:incident:v1')],
    ['the dataschema of another kind', (h: Record<string, string>) => (h.ce_dataschema = 'urn:ajx:claim:v1')],
  ])('refuses a message with %s', (_what, spoil) => {
    const msg = toKafkaBinary(event);
    spoil(msg.headers);
    expect(() => fromKafkaBinary(msg.headers, msg.value)).toThrow(CanonicalEventFormatError);
  });

  it('refuses data that is not a canonical record', () => {
    const msg = toKafkaBinary(event);
    expect(() => fromKafkaBinary(msg.headers, Buffer.from('{"policyNo":1}'))).toThrow(/not a canonical policy/);
    expect(() => fromKafkaBinary(msg.headers, Buffer.from('{'))).toThrow(/not JSON/);
    expect(() => fromKafkaBinary(msg.headers, null)).toThrow(/no value/);
  });
});

describe('structured mode', () => {
  it('round-trips a line of ajx normalize output and refuses a tampered one', () => {
    const line = toStructured(event);
    expect(fromStructured(line)).toEqual(event);
    expect(fromStructured(JSON.parse(line))).toEqual(event);
    expect(() => fromStructured({ ...event, sourceversion: '0' })).toThrow(CanonicalEventFormatError);
    expect(() => fromStructured({ ...event, data: { ...event.data, version: 2 } })).toThrow(/sourceversion/);
    expect(() => fromStructured('[]')).toThrow(CanonicalEventFormatError);
  });
});

describe('data standard v2 events (accident, claim)', () => {
  it('adds exactly the event types of INSURER-FORMATS.md §6', () => {
    expect(CANONICAL_EVENT_TYPES.filter((t) => /^ajx\.(accident|claim)\./.test(t))).toEqual([
      'ajx.accident.reported',
      'ajx.accident.updated',
      'ajx.accident.closed',
      'ajx.claim.filed',
      'ajx.claim.assessed',
      'ajx.claim.agreed',
      'ajx.claim.paid',
      'ajx.claim.rejected',
      'ajx.claim.withdrawn',
    ]);
    expect(CANONICAL_EVENT_TYPES).toHaveLength(19);
  });

  const enterprise = {
    uscc: '91330902971540106E',
    name: '舟山顺通煤业有限责任公司',
    regionCode: '330902',
    sector: 'coal_mining',
  } as const;
  const accident: AccidentRecord = {
    accidentId: 'PICCSG2024582174',
    insurer: 'PICC',
    action: 'closed',
    version: 3,
    policyNo: 'PICCAZ2023042729',
    enterprise,
    occurredAt: '2025-02-03T02:03:53+08:00',
    location: '舟山市定海区施工现场',
    category: 'boiler_explosion',
    grade: 'general',
    deaths: 0,
    seriousInjuries: 2,
    minorInjuries: 5,
    directLossFen: 146560000,
    description: '检修时设备意外启动造成手部挤伤',
    status: 'closed',
    reportedToAuthorityAt: '2025-02-03T02:42:53+08:00',
  };
  const claim: ClaimRecord = {
    claimNo: 'PICCPA2025631703',
    insurer: 'PICC',
    action: 'rejected',
    version: 2,
    policyNo: 'PICCAZ2023159125',
    accidentId: null,
    enterprise,
    filedAt: '2024-09-20T07:40:00+08:00',
    documentsCompleteAt: '2024-09-26T07:40:00+08:00',
    decidedAt: '2024-10-29T07:40:00+08:00',
    decision: 'reject',
    agreedAt: null,
    paidAt: null,
    claimedFen: 73765500,
    agreedFen: null,
    paidFen: null,
    victims: 7,
  };

  it.each([
    ['accident', accident, 'ajx.accident.closed', 'PICCSG2024582174'],
    ['claim', claim, 'ajx.claim.rejected', 'PICCPA2025631703'],
  ] as const)('builds and round-trips an %s event', (kind, data, type, subject) => {
    const e = buildCanonicalEvent('PICC', kind, data, '2025-03-31T02:03:53+08:00');
    expect(e).toMatchObject({ type, subject, dataschema: `urn:ajx:${kind}:v1`, sourceversion: data.version });
    expect(e.id).toBe(canonicalEventId('PICC', kind, subject, data.version));
    expect(kindOfEvent(e)).toBe(kind);
    const msg = toKafkaBinary(e);
    expect(fromKafkaBinary(msg.headers, msg.value)).toEqual(e);
    expect(fromStructured(toStructured(e))).toEqual(e);
  });

  it('refuses a claim whose type is not its status', () => {
    const msg = toKafkaBinary(buildCanonicalEvent('PICC', 'claim', claim, '2024-10-29T07:40:00+08:00'));
    msg.headers.ce_type = 'ajx.claim.paid';
    expect(() => fromKafkaBinary(msg.headers, msg.value)).toThrow(/ce_type/);
  });
});
