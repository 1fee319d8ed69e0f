import type { CanonicalEvent } from '../events/canonical-event';
import { fromKafkaBinary, toKafkaBinary } from '../events/kafka-binary';
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
