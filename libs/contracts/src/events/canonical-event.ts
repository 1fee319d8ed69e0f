import {
  ACCIDENT_ACTIONS,
  CLAIM_ACTIONS,
  HAZARD_ACTIONS,
  POLICY_ACTIONS,
  RECORD_KINDS,
  SECTORS,
  SERVICE_ACTIONS,
  subjectOf,
  type CanonicalRecord,
  type RecordKind,
  type RecordOfKind,
  type Sector,
} from '../canonical/canonical-record';
import { canonicalEventId } from './event-id';

/** Structured-mode canonical CloudEvent (what `ajx normalize` prints, one per line). */
export interface CanonicalEvent<K extends RecordKind = RecordKind> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  insurer: string;
  region: string;
  sector: Sector;
  uscc: string;
  sourceversion: number;
  data: RecordOfKind[K];
}

/** The attributes of a canonical event besides `data`, in the order they are written. */
export const CANONICAL_EVENT_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'insurer',
  'region',
  'sector',
  'uscc',
  'sourceversion',
] as const;
export type CanonicalEventAttribute = (typeof CANONICAL_EVENT_ATTRIBUTES)[number];

export const EVENT_TYPE_PREFIX = 'ajx.';

export function dataschemaOf(kind: RecordKind): string {
  return `urn:ajx:${kind}:v1`;
}

const DATASCHEMA = /^urn:ajx:([a-z][a-z0-9_]{0,63}):v([1-9]\d{0,5})$/;

/**
 * The kind and schema version a `dataschema` names (`urn:ajx:<kind>:v<n>`), whether or not this release knows them;
 * null when it is not of that form. Readers use it to tell a newer standard's event from a malformed one.
 */
export function parseDataschema(dataschema: string): { kind: string; version: number } | null {
  const m = DATASCHEMA.exec(dataschema);
  return m ? { kind: m[1], version: Number(m[2]) } : null;
}

export function eventSourceOf(insurer: string): string {
  return `/insurers/${insurer}`;
}

/** `ajx.<kind>.<action>` */
export function eventTypeOf(kind: RecordKind, action: string): string {
  return `${EVENT_TYPE_PREFIX}${kind}.${action}`;
}

/** The actions of each kind: the `<action>` of `ajx.<kind>.<action>`. */
export const ACTIONS_OF_KIND: Readonly<Record<RecordKind, readonly string[]>> = {
  policy: POLICY_ACTIONS,
  service: SERVICE_ACTIONS,
  hazard: HAZARD_ACTIONS,
  accident: ACCIDENT_ACTIONS,
  claim: CLAIM_ACTIONS,
};

/** Every canonical event type, data standard v1 and v2 (`ajx.accident.*`, `ajx.claim.*`). */
export const CANONICAL_EVENT_TYPES: readonly string[] = RECORD_KINDS.flatMap((k) =>
  ACTIONS_OF_KIND[k].map((a) => eventTypeOf(k, a)),
);

const KIND_BY_DATASCHEMA = new Map<string, RecordKind>(RECORD_KINDS.map((k) => [dataschemaOf(k), k]));
const KIND_SET: ReadonlySet<string> = new Set(RECORD_KINDS);
export const SECTOR_SET: ReadonlySet<string> = new Set(SECTORS);

/** The record kind of an event, from its `dataschema` (or, failing that, its `type`). */
export function kindOfEvent(e: Pick<CanonicalEvent, 'dataschema' | 'type'>): RecordKind {
  const byschema = KIND_BY_DATASCHEMA.get(e.dataschema);
  if (byschema) return byschema;
  const kind = e.type.startsWith(EVENT_TYPE_PREFIX) ? e.type.slice(EVENT_TYPE_PREFIX.length).split('.')[0] : '';
  if (KIND_SET.has(kind)) return kind as RecordKind;
  throw new Error(`not a canonical event: dataschema ${JSON.stringify(e.dataschema)}, type ${JSON.stringify(e.type)}`);
}

/**
 * Builds the canonical event of a canonical record delivered by `insurer` (the insurer of the topic/credentials),
 * `time` being the record's business time (canonical datetime).
 */
export function buildCanonicalEvent<K extends RecordKind>(
  insurer: string,
  kind: K,
  data: RecordOfKind[K],
  time: string,
): CanonicalEvent<K> {
  const record: CanonicalRecord = data;
  const subject = subjectOf(kind, record);
  return {
    specversion: '1.0',
    id: canonicalEventId(insurer, kind, subject, record.version),
    source: eventSourceOf(insurer),
    type: eventTypeOf(kind, record.action),
    subject,
    time,
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(kind),
    insurer,
    region: record.enterprise.regionCode,
    sector: record.enterprise.sector,
    uscc: record.enterprise.uscc,
    sourceversion: record.version,
    data,
  };
}
