import type { RecordKind } from '@ajx/contracts';

/** The canonical event (CloudEvents structured mode, data standard v1 §1) is the one of `@ajx/contracts`. */
export type { CanonicalEvent } from '@ajx/contracts';

/** `policy` of `ajx.policy.issued`; null when the type is not a canonical one. */
export function kindOfEventType(type: string): RecordKind | null {
  const m = /^ajx\.(policy|service|hazard)\.[a-z_]+$/.exec(type);
  return m ? (m[1] as RecordKind) : null;
}
