import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry';

/** Stable JSON: keys sorted at every level, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** Hash of one entry's content (id and time included, so moving or re-dating it is detected). */
export function entryHash(e: AuditEntry): Buffer {
  return createHash('sha256')
    .update(
      canonicalJson({
        id: e.id,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        details: e.details,
        requestId: e.requestId,
      }),
    )
    .digest();
}

/** Hash over a block's entries in chain order: their ids and content hashes. */
export function entriesHash(ids: readonly string[], hashes: readonly Buffer[]): Buffer {
  const h = createHash('sha256');
  ids.forEach((id, i) => h.update(`${id}:`).update(hashes[i]));
  return h.digest();
}

export const GENESIS_HASH = Buffer.alloc(32, 0);

export function blockHash(blockNo: string, prevHash: Buffer, entriesDigest: Buffer, entries: number): Buffer {
  return createHash('sha256')
    .update(`ajx-audit-block:${blockNo}:${entries}:`)
    .update(prevHash)
    .update(entriesDigest)
    .digest();
}
