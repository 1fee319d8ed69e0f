import { CloudEvent, ValidationError } from 'cloudevents';
import { validateCanonicalRecord } from '../canonical/canonical.validator';
import { subjectOf, type RecordKind } from '../canonical/canonical-record';
import { isBeijingDateTime } from './canonical-datetime';
import {
  CANONICAL_EVENT_ATTRIBUTES,
  SECTOR_SET,
  dataschemaOf,
  eventSourceOf,
  eventTypeOf,
  kindOfEvent,
  type CanonicalEvent,
} from './canonical-event';
import { canonicalEventId } from './event-id';

/** Kafka binary content mode (CloudEvents Kafka protocol binding): attributes as `ce_<name>` headers. */
export interface KafkaBinaryMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export const CE_HEADER_PREFIX = 'ce_';
/** The binding maps `datacontenttype` to `content-type`; `ce_datacontenttype` is written too, as the cloudevents SDK does. */
export const CONTENT_TYPE_HEADER = 'content-type';

/** Kafka header values as kafkajs hands them over. */
export type KafkaHeaderValues = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

export class CanonicalEventFormatError extends Error {
  override readonly name = 'CanonicalEventFormatError';
}

/** Binary mode: attributes as `ce_<name>` string headers, `data` as the JSON value, key = enterprise USCC. */
export function toKafkaBinary(e: CanonicalEvent): KafkaBinaryMessage {
  const headers: Record<string, string> = { [CONTENT_TYPE_HEADER]: e.datacontenttype };
  for (const name of CANONICAL_EVENT_ATTRIBUTES) headers[CE_HEADER_PREFIX + name] = String(e[name]);
  return { key: e.uscc, value: Buffer.from(JSON.stringify(e.data), 'utf8'), headers };
}

function headerString(headers: KafkaHeaderValues, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : one;
}

/**
 * Inverse of {@link toKafkaBinary}. Validates the envelope (CloudEvents 1.0 via the cloudevents SDK, the hub's
 * attributes and their agreement with the data) and the data (canonical JSON Schema); throws
 * CanonicalEventFormatError saying what is wrong.
 */
export function fromKafkaBinary(headers: KafkaHeaderValues, value: Buffer | string | null): CanonicalEvent {
  const attr = (name: string): string => {
    const v = headerString(headers, CE_HEADER_PREFIX + name);
    if (v === undefined || v === '') throw new CanonicalEventFormatError(`missing header ${CE_HEADER_PREFIX}${name}`);
    return v;
  };
  const specversion = attr('specversion');
  if (specversion !== '1.0') throw new CanonicalEventFormatError(`unsupported specversion ${specversion}`);
  const contentType =
    headerString(headers, CONTENT_TYPE_HEADER) ?? headerString(headers, `${CE_HEADER_PREFIX}datacontenttype`);
  if (contentType !== 'application/json')
    throw new CanonicalEventFormatError(`content type must be application/json, got ${String(contentType)}`);
  const dataschema = attr('dataschema');
  const type = attr('type');
  let kind: RecordKind;
  try {
    kind = kindOfEvent({ dataschema, type });
  } catch (err) {
    throw new CanonicalEventFormatError((err as Error).message);
  }
  if (dataschema !== dataschemaOf(kind)) throw new CanonicalEventFormatError(`unknown dataschema ${dataschema}`);
  if (value === null) throw new CanonicalEventFormatError('message has no value');
  let data: unknown;
  try {
    data = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    throw new CanonicalEventFormatError(`value is not JSON: ${(err as Error).message}`);
  }
  const problems = validateCanonicalRecord(kind, data);
  if (problems.length) throw new CanonicalEventFormatError(`data is not a canonical ${kind}: ${problems.join('; ')}`);
  const record = data as CanonicalEvent['data'];
  const sourceversion = Number(attr('sourceversion'));
  const sector = attr('sector');
  const event: CanonicalEvent = {
    specversion: '1.0',
    id: attr('id'),
    source: attr('source'),
    type,
    subject: attr('subject'),
    time: attr('time'),
    datacontenttype: 'application/json',
    dataschema,
    insurer: attr('insurer'),
    region: attr('region'),
    sector: sector as CanonicalEvent['sector'],
    uscc: attr('uscc'),
    sourceversion,
    data: record,
  };
  const mismatch = (what: string, want: unknown, got: unknown): never => {
    throw new CanonicalEventFormatError(
      `${what} ${JSON.stringify(got)} disagrees with the data (${JSON.stringify(want)})`,
    );
  };
  if (!SECTOR_SET.has(sector)) throw new CanonicalEventFormatError(`unknown sector ${sector}`);
  if (!isBeijingDateTime(event.time))
    throw new CanonicalEventFormatError(`time ${event.time} is not a canonical datetime`);
  if (event.sourceversion !== record.version) mismatch('ce_sourceversion', record.version, event.sourceversion);
  if (event.region !== record.enterprise.regionCode) mismatch('ce_region', record.enterprise.regionCode, event.region);
  if (event.sector !== record.enterprise.sector) mismatch('ce_sector', record.enterprise.sector, event.sector);
  if (event.uscc !== record.enterprise.uscc) mismatch('ce_uscc', record.enterprise.uscc, event.uscc);
  if (event.insurer !== record.insurer) mismatch('ce_insurer', record.insurer, event.insurer);
  if (event.source !== eventSourceOf(event.insurer)) mismatch('ce_source', eventSourceOf(event.insurer), event.source);
  if (event.type !== eventTypeOf(kind, record.action)) mismatch('ce_type', eventTypeOf(kind, record.action), type);
  const subject = subjectOf(kind, record);
  if (event.subject !== subject) mismatch('ce_subject', subject, event.subject);
  const id = canonicalEventId(event.insurer, kind, subject, record.version);
  if (event.id !== id) mismatch('ce_id', id, event.id);
  try {
    // The SDK checks the CloudEvents 1.0 rules themselves (attribute names, URI-references, extension values).
    new CloudEvent({ ...event, data: undefined }, true);
  } catch (err) {
    const detail = err instanceof ValidationError ? JSON.stringify(err.errors) : (err as Error).message;
    throw new CanonicalEventFormatError(`not a valid CloudEvent: ${detail}`);
  }
  return event;
}
