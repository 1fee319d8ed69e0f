import { RECORD_KINDS, type RecordKind } from '../canonical/canonical-record';
import { type CanonicalEvent, dataschemaOf, parseDataschema } from '../events/canonical-event';
import { CE_HEADER_PREFIX, fromKafkaBinary, toKafkaBinary } from '../events/kafka-binary';
import type { EncodedMessage, ReceivedMessage } from './kafka-message';

/** Headers of a message on `ajx.canonical.v1` besides the CloudEvent's own `ce_*` attributes. */
export const CanonicalHeaders = {
  acceptedAt: 'ajx-accepted-at',
  /** "true" when the event replaces the content of an already accepted version (a replay after a mapping fix). */
  correction: 'ajx-correction',
} as const;

/** A canonical event with what the normaliser says about it. */
export interface CanonicalEventMessage {
  event: CanonicalEvent;
  /** When the hub accepted the record (latency is measured from it); null when a message does not say. */
  acceptedAt: Date | null;
  correction: boolean;
}

/**
 * The message of a canonical event on `ajx.canonical.v1`: the CloudEvent in Kafka binary mode (key = enterprise
 * USCC) with the acceptance time and, for a correction, the correction flag.
 */
export function encodeCanonicalEventMessage(m: CanonicalEventMessage): EncodedMessage {
  const binary = toKafkaBinary(m.event);
  return {
    key: binary.key,
    value: binary.value,
    headers: {
      ...binary.headers,
      ...(m.acceptedAt ? { [CanonicalHeaders.acceptedAt]: m.acceptedAt.toISOString() } : {}),
      ...(m.correction ? { [CanonicalHeaders.correction]: 'true' } : {}),
    },
  };
}

/**
 * Inverse of {@link encodeCanonicalEventMessage}: validates the event as {@link fromKafkaBinary} does and throws
 * CanonicalEventFormatError saying what is wrong.
 */
export function decodeCanonicalEventMessage(m: ReceivedMessage): CanonicalEventMessage {
  const event = fromKafkaBinary(m.headers, m.value ?? Buffer.alloc(0));
  const accepted = Date.parse(m.headers[CanonicalHeaders.acceptedAt] ?? '');
  return {
    event,
    acceptedAt: Number.isFinite(accepted) ? new Date(accepted) : null,
    correction: m.headers[CanonicalHeaders.correction] === 'true',
  };
}

/**
 * Why a reader skips a message of the canonical topic: an event of a kind (`unknown-kind`) or a schema version
 * (`unknown-schema-version`) it does not know — a newer standard's event, skipped by design — or a message that
 * does not decode at all (`invalid`: a bug, since only the normaliser writes the topic).
 */
export type CanonicalSkipReason = 'unknown-kind' | 'unknown-schema-version' | 'invalid';

export type CanonicalRead =
  | { ok: true; message: CanonicalEventMessage }
  | { ok: false; reason: CanonicalSkipReason; dataschema: string | null; type: string | null; detail: string };

/**
 * Reads a message of `ajx.canonical.v1` as every consumer must (schema evolution, docs/data-standard.md): `kinds`
 * are the record kinds the reader handles (default: every kind of this release). An event whose `dataschema` names
 * another kind, or a schema version other than the one this release has for the kind, is skipped before its data is
 * looked at — never an error, so a reader never stalls on events of a newer standard; it counts and logs them.
 * Anything else that does not decode is `invalid`.
 */
export function readCanonicalEventMessage(
  m: ReceivedMessage,
  kinds: readonly RecordKind[] = RECORD_KINDS,
): CanonicalRead {
  const dataschema = m.headers[`${CE_HEADER_PREFIX}dataschema`] ?? null;
  const type = m.headers[`${CE_HEADER_PREFIX}type`] ?? null;
  const named = dataschema === null ? null : parseDataschema(dataschema);
  if (named) {
    const known = (kinds as readonly string[]).includes(named.kind);
    if (!known)
      return {
        ok: false,
        reason: 'unknown-kind',
        dataschema,
        type,
        detail: `kind ${named.kind} is not one this reader handles (${kinds.join(', ')})`,
      };
    const current = dataschemaOf(named.kind as RecordKind);
    if (dataschema !== current)
      return {
        ok: false,
        reason: 'unknown-schema-version',
        dataschema,
        type,
        detail: `schema version ${named.version} of ${named.kind} is not known here (this release reads ${current})`,
      };
  }
  try {
    return { ok: true, message: decodeCanonicalEventMessage(m) };
  } catch (err) {
    return { ok: false, reason: 'invalid', dataschema, type, detail: (err as Error).message };
  }
}
