import { CANONICAL_EVENT_ATTRIBUTES, type CanonicalEvent } from './canonical-event';
import { CanonicalEventFormatError, fromKafkaBinary, CE_HEADER_PREFIX, CONTENT_TYPE_HEADER } from './kafka-binary';

/** Structured content mode: the whole event as one JSON object (what `ajx normalize` prints, one per line). */
export function toStructured(e: CanonicalEvent): string {
  return JSON.stringify(e);
}

/**
 * Reads a structured-mode event (a line of `ajx normalize` output, as text or parsed), with the same checks as
 * {@link fromKafkaBinary}; throws CanonicalEventFormatError saying what is wrong.
 */
export function fromStructured(value: unknown): CanonicalEvent {
  let v: unknown = value;
  if (typeof value === 'string') {
    try {
      v = JSON.parse(value);
    } catch (err) {
      throw new CanonicalEventFormatError(`not JSON: ${(err as Error).message}`);
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CanonicalEventFormatError('not a JSON object');
  const obj = v as Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const name of CANONICAL_EVENT_ATTRIBUTES) {
    const a = obj[name];
    if (typeof a === 'string' || typeof a === 'number') headers[CE_HEADER_PREFIX + name] = String(a);
  }
  if (typeof obj.datacontenttype === 'string') headers[CONTENT_TYPE_HEADER] = obj.datacontenttype;
  if (typeof obj.sourceversion !== 'number')
    throw new CanonicalEventFormatError('sourceversion must be a JSON integer');
  if (!('data' in obj)) throw new CanonicalEventFormatError('missing data');
  return fromKafkaBinary(headers, Buffer.from(JSON.stringify(obj.data)));
}
