import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { blockHash, entriesHash, entryHash, GENESIS_HASH } from './audit-hash';
import { AuditRepository } from './audit.repository';
import type { AuditSigner } from './audit-signer';

export interface AuditAnchor {
  blockNo: string;
  hash: string;
  signature: string;
  keyId: string;
  sealedAt: string;
}

export interface SealResult {
  blocks: number;
  entries: number;
  head: AuditAnchor | null;
}

/**
 * Seals appended entries into signed, hash-chained blocks. Writers never wait for it (no single-writer
 * bottleneck); any instance may run it, one at a time under an advisory lock. After each block the signed head is
 * also written to an anchor file outside the database, so truncating the chain is detectable.
 */
@Injectable()
export class AuditSealer {
  constructor(private readonly repo: AuditRepository) {}

  async sealOnce(signer: AuditSigner, opts: { maxEntries?: number; anchorFile?: string } = {}): Promise<SealResult> {
    const sealed = await this.repo.withSealableEntries(opts.maxEntries ?? 5000, async (tx, head, entries) => {
      if (entries.length === 0) return null;
      const blockNo = String(BigInt(head?.block_no ?? '0') + 1n);
      const prev = head?.hash ?? GENESIS_HASH;
      const ids = entries.map((e) => e.id);
      const hashes = entries.map(entryHash);
      const digest = entriesHash(ids, hashes);
      const hash = blockHash(blockNo, prev, digest, entries.length);
      const signature = signer.sign(hash);
      await this.repo.insertBlock(tx, {
        block_no: blockNo,
        entries: entries.length,
        entry_ids: ids,
        entry_hashes: hashes,
        entries_hash: digest,
        prev_hash: prev,
        hash,
        key_id: signer.keyId,
        signature,
      });
      return {
        entries: entries.length,
        anchor: {
          blockNo,
          hash: hash.toString('hex'),
          signature: signature.toString('hex'),
          keyId: signer.keyId,
          sealedAt: new Date().toISOString(),
        },
      };
    });
    if (!sealed) return { blocks: 0, entries: 0, head: null };
    if (opts.anchorFile) writeAnchor(opts.anchorFile, sealed.anchor);
    return { blocks: 1, entries: sealed.entries, head: sealed.anchor };
  }

  /** The signed head of the chain as it is now (what a daily manifest anchors), or null before the first seal. */
  async head(): Promise<AuditAnchor | null> {
    const b = await this.repo.head();
    if (!b) return null;
    return {
      blockNo: String(b.block_no),
      hash: b.hash.toString('hex'),
      signature: b.signature.toString('hex'),
      keyId: b.key_id,
      sealedAt: b.sealed_at.toISOString(),
    };
  }

  /** Seals until nothing sealable is left. */
  async sealAll(signer: AuditSigner, opts: { anchorFile?: string } = {}): Promise<SealResult> {
    const total: SealResult = { blocks: 0, entries: 0, head: null };
    for (;;) {
      const r = await this.sealOnce(signer, opts);
      if (r.blocks === 0) return total;
      total.blocks += r.blocks;
      total.entries += r.entries;
      total.head = r.head;
    }
  }
}

function writeAnchor(file: string, anchor: AuditAnchor): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(anchor, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function readAnchor(file: string): AuditAnchor {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AuditAnchor;
}
