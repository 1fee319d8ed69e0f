import { createHash } from 'node:crypto';
import { stableJson } from '@ajx/contracts';
import type { AuditEntry } from './audit-entry';

/** Hash of one entry's content (id and time included, so moving or re-dating it is detected). */
export function entryHash(e: AuditEntry): Buffer {
  return createHash('sha256')
    .update(
      stableJson({
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
