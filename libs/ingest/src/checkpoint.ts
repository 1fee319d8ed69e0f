import { adapterBatchId, type AdapterCheckpoint } from '@ajx/contracts';

/** Where publishing of a file (re)starts: after the last committed checkpoint, or at the beginning. */
export function resumePoint(
  insurer: string,
  sha256: string,
  file: string,
  previous: AdapterCheckpoint | undefined,
  now: Date,
): AdapterCheckpoint {
  if (previous) {
    if (previous.insurer !== insurer || previous.sha256 !== sha256) {
      throw new Error(`checkpoint of ${previous.insurer}:${previous.sha256} used for ${insurer}:${sha256}`);
    }
    return previous;
  }
  const at = now.toISOString();
  return {
    insurer,
    sha256,
    batchId: adapterBatchId(insurer, sha256),
    file,
    published: 0,
    chunks: 0,
    done: false,
    startedAt: at,
    updatedAt: at,
  };
}

/** The checkpoint committed with a chunk that ends at record `lastIndex` (1-based). */
export function advance(current: AdapterCheckpoint, lastIndex: number, done: boolean, now: Date): AdapterCheckpoint {
  if (lastIndex < current.published) {
    throw new Error(`a checkpoint never goes back (at ${current.published}, asked for ${lastIndex})`);
  }
  return { ...current, published: lastIndex, chunks: current.chunks + 1, done, updatedAt: now.toISOString() };
}

/** Latest checkpoint per file from the state topic's messages, in offset order (a later one replaces an earlier one). */
export class CheckpointTable {
  private readonly byFile = new Map<string, AdapterCheckpoint>();

  apply(c: AdapterCheckpoint): void {
    const prev = this.byFile.get(c.sha256);
    // Within one transactional producer checkpoints only grow; a smaller one can only be stale.
    if (prev && (prev.done || prev.published > c.published)) return;
    this.byFile.set(c.sha256, c);
  }

  get(sha256: string): AdapterCheckpoint | undefined {
    return this.byFile.get(sha256);
  }

  get size(): number {
    return this.byFile.size;
  }
}
