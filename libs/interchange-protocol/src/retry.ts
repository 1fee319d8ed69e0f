import type { InterchangeErrorCode } from './errors';

/**
 * What a sender does with the answer to a delivery (batch, manifest, reconciliation report):
 * - `done`: acknowledged; the watermark may move.
 * - `retry`: send the very same document again, signed anew, after `afterMs` (the receiver's Retry-After) or
 *   the sender's own backoff when null. Safe because batch ids are idempotent.
 * - `split`: too large; send the entries as several smaller batches (new batch ids) instead.
 * - `halt`: retrying unchanged cannot succeed (malformed, wrong key, conflicting content): keep the document,
 *   do not move the watermark, alert an operator. Nothing is dropped.
 */
export type DeliveryDecision =
  | { action: 'done' }
  | { action: 'retry'; afterMs: number | null; reason: string }
  | { action: 'split'; reason: string }
  | { action: 'halt'; reason: string };

const RETRYABLE_401: ReadonlySet<string> = new Set<InterchangeErrorCode>(['TIMESTAMP_OUT_OF_WINDOW', 'REPLAYED']);

/** Milliseconds from a Retry-After header (delta-seconds or HTTP-date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value == null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function codeOf(body: unknown): string | null {
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') {
    return (body as { code: string }).code;
  }
  return null;
}

/** The decision for an HTTP answer: its status, its parsed JSON body (if any) and its Retry-After header. */
export function classifyResponse(
  status: number,
  body: unknown,
  retryAfter?: string | null,
  now = Date.now(),
): DeliveryDecision {
  const code = codeOf(body);
  const what = `HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status >= 200 && status < 300) return { action: 'done' };
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return { action: 'retry', afterMs: parseRetryAfter(retryAfter, now), reason: what };
  }
  if (status === 413) return { action: 'split', reason: what };
  // A stale timestamp (request delayed in transit) or a signature reuse is cured by signing again.
  if (status === 401 && code !== null && RETRYABLE_401.has(code))
    return { action: 'retry', afterMs: 1000, reason: what };
  return { action: 'halt', reason: what };
}

/** A request that got no answer (connection refused or reset, timeout): the outcome is unknown, so retry. */
export function classifyNetworkFailure(err: unknown): DeliveryDecision {
  return { action: 'retry', afterMs: null, reason: err instanceof Error ? err.message : String(err) };
}

/**
 * Exponential backoff with "equal jitter": attempt 1 waits about `baseMs`, doubling up to `maxMs`; half of each
 * wait is random so that many senders recovering together do not retry in lockstep.
 */
export function backoffMs(attempt: number, { baseMs = 500, maxMs = 60_000, random = Math.random } = {}): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
