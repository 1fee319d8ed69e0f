import { classifyNetworkFailure, classifyResponse, type DeliveryDecision } from '@ajx/interchange-protocol';
import type { ProvinceAnswer } from './province.client';

export type DeliveryOutcome<T> =
  { action: 'done'; value: T; attempts: number } | { action: 'split' | 'halt'; reason: string; attempts: number };

/** The sender is stopping: the document stays where it is kept and is sent again by the next holder. */
export class StoppedError extends Error {
  constructor() {
    super('stopping');
    this.name = 'StoppedError';
  }
}

/**
 * Delivers one document (a batch or a manifest) the way the protocol wants it: the very same body until it is
 * acknowledged, signed anew at every attempt (`send` does), retried on what `classifyResponse` says is retryable and
 * on no answer at all, after the receiver's Retry-After or the sender's backoff. An answer that `accept` refuses (not
 * an acknowledgement of this document), or whose signature does not verify (unsigned, forged, stale, replayed: an
 * acknowledgement the province did not give), is retried too, and nothing moves on it. Only `split` and `halt` end it without success.
 */
export async function deliverDocument<T>(o: {
  send: () => Promise<ProvinceAnswer>;
  accept: (body: unknown) => T;
  onFailedAttempt: (reason: string, attempt: number) => Promise<void>;
  wait: (ms: number) => Promise<void>;
  stopped: () => boolean;
  backoff: (attempt: number) => number;
  maxWaitMs: number;
}): Promise<DeliveryOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    if (o.stopped()) throw new StoppedError();
    let decision: DeliveryDecision;
    try {
      const answer = await o.send();
      decision = classifyResponse(answer.status, answer.body, answer.retryAfter);
      if (decision.action === 'done') {
        try {
          if (answer.signature && !answer.signature.ok) {
            throw new Error(`the answer is refused: ${answer.signature.code} (${answer.signature.message})`);
          }
          return { action: 'done', value: o.accept(answer.body), attempts: attempt };
        } catch (err) {
          decision = { action: 'retry', afterMs: null, reason: `HTTP ${answer.status} but ${(err as Error).message}` };
        }
      }
    } catch (err) {
      if (o.stopped()) throw new StoppedError();
      decision = classifyNetworkFailure(err);
    }
    if (decision.action === 'split' || decision.action === 'halt') {
      return { action: decision.action, reason: decision.reason, attempts: attempt };
    }
    if (decision.action === 'done') continue; // not reached: handled above
    await o.onFailedAttempt(decision.reason, attempt);
    await o.wait(Math.min(decision.afterMs ?? o.backoff(attempt), o.maxWaitMs));
  }
}
