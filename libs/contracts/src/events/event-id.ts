import { hash } from 'node:crypto';
import type { RecordKind } from '../canonical/canonical-record';

/** Namespace of canonical event ids (data standard v1). */
export const CANONICAL_EVENT_ID_NAMESPACE = 'fc66a7ae-82f2-49dd-beab-f8eac3b41eea';
const NAMESPACE_BYTES = Buffer.from(CANONICAL_EVENT_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUID version 5 (SHA-1) of `name` in `namespace` bytes. */
export function uuidV5(name: string, namespace: Buffer = NAMESPACE_BYTES): string {
  // One-shot crypto.hash: a third cheaper than createHash().update().digest() for inputs this small.
  const h = hash('sha1', Buffer.concat([namespace, Buffer.from(name, 'utf8')]), 'buffer');
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * The id of a canonical event: UUIDv5 of `<insurer>:<kind>:<subject>:<version>`, so every implementation and every
 * replay gives the same id for the same record version.
 */
export function canonicalEventId(insurer: string, kind: RecordKind, subject: string, version: number): string {
  return uuidV5(`${insurer}:${kind}:${subject}:${version}`);
}
