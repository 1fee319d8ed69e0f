import type { CanonicalRecord, RecordKind, Sector } from '@ajx/contracts';

/**
 * A canonical event in CloudEvents structured mode (data standard v1 §1).
 *
 * Local structural type: `@ajx/contracts` does not export a `CanonicalEvent` yet. When it does, this should become
 * a re-export of that type (the shapes are the same by construction: both follow INSURER-FORMATS.md §1).
 */
export interface CanonicalEvent {
  specversion: '1.0';
  /** UUIDv5 of `<insurer>:<kind>:<subject>:<version>` (see `canonicalEventId`). */
  id: string;
  /** `/insurers/<INSURER>` */
  source: string;
  /** `ajx.<kind>.<action>` */
  type: string;
  subject: string;
  /** Business time, `YYYY-MM-DDTHH:mm:ss+08:00`. */
  time: string;
  datacontenttype: 'application/json';
  /** `urn:ajx:<kind>:v1` */
  dataschema: string;
  insurer: string;
  region: string;
  sector: Sector;
  uscc: string;
  sourceversion: number;
  data: CanonicalRecord;
}

/** `policy` of `ajx.policy.issued`; null when the type is not a canonical one. */
export function kindOfEventType(type: string): RecordKind | null {
  const m = /^ajx\.(policy|service|hazard)\.[a-z_]+$/.exec(type);
  return m ? (m[1] as RecordKind) : null;
}
