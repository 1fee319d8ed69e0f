import { RECORD_KINDS, type RecordKind } from '@ajx/contracts';

/** The canonical event (CloudEvents structured mode, data standard v1 §1 and v2 §6) is the one of `@ajx/contracts`. */
export type { CanonicalEvent } from '@ajx/contracts';

const KINDS: ReadonlySet<string> = new Set(RECORD_KINDS);

/** `policy` of `ajx.policy.issued`, `accident` of `ajx.accident.closed`; null when the type is not a canonical one. */
export function kindOfEventType(type: string): RecordKind | null {
  const m = /^ajx\.([a-z]+)\.[a-z_]+$/.exec(type);
  return m && KINDS.has(m[1]) ? (m[1] as RecordKind) : null;
}
