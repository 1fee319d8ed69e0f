import { Injectable } from '@nestjs/common';
import type { AuditAnchor } from './audit-sealer.service';
import { blockHash, entriesHash, entryHash, GENESIS_HASH } from './audit-hash';
import { AuditRepository } from './audit.repository';
import type { AuditVerifierKey } from './audit-signer';

export type AuditProblemKind =
  | 'entry-edited'
  | 'entry-deleted'
  | 'entry-reordered'
  | 'entry-inserted'
  | 'block-missing'
  | 'block-tampered'
  | 'bad-signature'
  | 'chain-truncated';

export interface AuditProblem {
  kind: AuditProblemKind;
  blockNo: string | null;
  entryId: string | null;
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  blocks: number;
  entries: number;
  unsealed: number;
  head: { blockNo: string; hash: string } | null;
  problems: AuditProblem[];
}

/** Recomputes the chain from the database and reports every edited, deleted, reordered or inserted entry. */
@Injectable()
export class AuditVerifier {
  constructor(private readonly repo: AuditRepository) {}

  /**
   * `keys` is the keyring: every key that has signed blocks (after a rotation, the old public keys too). A block or
   * an anchor signed by a key outside it is a `bad-signature` problem.
   */
  async verify(keys: AuditVerifierKey | readonly AuditVerifierKey[], anchor?: AuditAnchor): Promise<AuditVerification> {
    const keyring = new Map((Array.isArray(keys) ? keys : [keys]).map((k: AuditVerifierKey) => [k.keyId, k]));
    const problems: AuditProblem[] = [];
    const add = (kind: AuditProblemKind, blockNo: string | null, entryId: string | null, detail: string) =>
      problems.push({ kind, blockNo, entryId, detail });
    let prev: Buffer = GENESIS_HASH;
    let expected = 1n;
    let blocks = 0;
    let entries = 0;
    let head: AuditVerification['head'] = null;
    const seenHashes = new Map<string, string>();

    for await (const b of this.repo.blocks()) {
      blocks++;
      const no = BigInt(b.block_no);
      if (no !== expected) add('block-missing', b.block_no, null, `blocks ${expected}…${no - 1n} are missing`);
      expected = no + 1n;
      const ids = b.entry_ids.map(String);
      const digest = entriesHash(ids, b.entry_hashes);
      const recomputed = blockHash(b.block_no, b.prev_hash, digest, b.entries);
      if (!digest.equals(b.entries_hash) || !recomputed.equals(b.hash) || ids.length !== b.entries) {
        add('block-tampered', b.block_no, null, 'the block record does not match its own hash');
      } else if (!b.prev_hash.equals(prev)) {
        add('block-tampered', b.block_no, null, 'the block does not chain to the previous block');
      }
      const key = keyring.get(b.key_id);
      if (!key) add('bad-signature', b.block_no, null, `signed with unknown key ${b.key_id}`);
      else if (!key.verify(b.hash, b.signature)) add('bad-signature', b.block_no, null, 'signature does not verify');
      prev = b.hash;
      head = { blockNo: b.block_no, hash: b.hash.toString('hex') };
      seenHashes.set(b.block_no, b.hash.toString('hex'));

      const stored = await this.repo.entriesOfBlock(b.block_no);
      entries += stored.length;
      const byId = new Map(stored.map((e) => [e.id, e]));
      const recorded = new Set(ids);
      ids.forEach((id, i) => {
        const e = byId.get(id);
        if (!e) return add('entry-deleted', b.block_no, id, `entry ${id} is gone`);
        if (!entryHash(e).equals(b.entry_hashes[i])) add('entry-edited', b.block_no, id, `entry ${id} was changed`);
        if (e.position !== i + 1) {
          add('entry-reordered', b.block_no, id, `entry ${id} is at position ${e.position}, sealed at ${i + 1}`);
        }
      });
      for (const e of stored) {
        if (!recorded.has(e.id)) add('entry-inserted', b.block_no, e.id, `entry ${e.id} was not in the sealed block`);
      }
    }
    for (const id of await this.repo.orphanEntries()) {
      add('entry-inserted', null, id, `entry ${id} points at a block that does not exist`);
    }
    if (anchor) {
      const h = seenHashes.get(anchor.blockNo);
      if (!h)
        add('chain-truncated', anchor.blockNo, null, `anchored block ${anchor.blockNo} is missing from the chain`);
      else if (h !== anchor.hash) add('block-tampered', anchor.blockNo, null, 'the anchored block hash differs');
      const key = keyring.get(anchor.keyId);
      if (!key) add('bad-signature', anchor.blockNo, null, `the anchor is signed with unknown key ${anchor.keyId}`);
      else if (!key.verify(Buffer.from(anchor.hash, 'hex'), Buffer.from(anchor.signature, 'hex'))) {
        add('bad-signature', anchor.blockNo, null, 'the anchor signature does not verify');
      }
    }
    const { count } = await this.repo.unsealedCount();
    return { ok: problems.length === 0, blocks, entries, unsealed: count, head, problems };
  }
}
