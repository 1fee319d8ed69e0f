import { CloudEvent, Kafka } from 'cloudevents';
import { samplePolicy as policy } from './sample-events.fixture';
import { buildCanonicalEvent, kindOfEvent } from './canonical-event';
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
    ['an unknown dataschema', (h: Record<string, string>) => (h.ce_dataschema = 'urn:ajx:claim:v1')],
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
