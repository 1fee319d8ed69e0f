import { createHash } from 'node:crypto';
import type { RecordKind } from '@ajx/contracts';

/** Namespace of canonical event ids (data standard v1, shared/formats/INSURER-FORMATS.md §1). */
export const EVENT_ID_NAMESPACE = 'fc66a7ae-82f2-49dd-beab-f8eac3b41eea';
const NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUIDv5 (SHA-1, name-based) of `name` in the canonical event namespace. */
function uuidV5(name: string): string {
  const h = createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The id every implementation and every replay gives the event of `(insurer, kind, subject, version)`. */
export function canonicalEventId(insurer: string, kind: RecordKind, subject: string, version: number): string {
  return uuidV5(`${insurer}:${kind}:${subject}:${version}`);
}
