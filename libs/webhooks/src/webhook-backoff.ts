/** Exponential backoff with jitter for webhook retries. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `attempt` (1 after the first failure): base·2^(attempt−1), capped at maxMs, with
 * "equal jitter" (half fixed, half random) so failing endpoints do not retry in lockstep.
 */
export function backoffDelayMs(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}
