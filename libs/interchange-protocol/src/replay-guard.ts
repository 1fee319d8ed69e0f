/**
 * Replay refusal: a signature is remembered until its timestamp leaves the tolerance window (after that the
 * timestamp check refuses the request anyway), so the same signed request is accepted at most once.
 */
export interface ReplayStore {
  /** Records `key` until `expiresAtMs`; resolves false when it was already recorded and has not expired. */
  remember(key: string, expiresAtMs: number): Promise<boolean>;
}

export function replayKey(keyId: string, signature: string): string {
  return `${keyId}:${signature}`;
}

/** When a signature made at `timestamp` (unix seconds) can be forgotten. */
export function replayExpiresAt(timestamp: number, toleranceSeconds: number): number {
  return (timestamp + toleranceSeconds + 1) * 1000;
}

/** In-process store for a single receiver instance (several instances need a shared store, e.g. Redis SET NX PX). */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async remember(key: string, expiresAtMs: number): Promise<boolean> {
    const t = this.now();
    if (++this.writes % 1000 === 0) this.prune(t);
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    this.seen.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(t: number): void {
    for (const [k, until] of this.seen) if (until <= t) this.seen.delete(k);
  }
}
