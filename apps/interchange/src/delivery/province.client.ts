import { Injectable } from '@nestjs/common';
import {
  type AnswerCheck,
  type Keyring,
  MemoryReplayStore,
  parseJson,
  signRequest,
  type SigningKey,
  verifyAnswer,
} from '@ajx/interchange-protocol';

export interface ProvinceAnswer {
  status: number;
  /** The parsed JSON body, or null when the body is not JSON. */
  body: unknown;
  retryAfter: string | null;
  /** For a 2xx answer: whether the province signed it (with a key of the endpoint, in the window, not replayed). */
  signature?: AnswerCheck;
}

/** What went wrong with a request that got no answer, in a few words (undici hides the cause in `cause`). */
function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return `${err instanceof Error ? err.message : String(err)}${detail ? ` (${detail})` : ''}`;
}

/**
 * Signed POSTs to a provincial system. Every call signs anew (a re-used signature is refused as a replay). Throws
 * when no answer arrives (refused, reset, timed out or aborted): the outcome is then unknown.
 */
@Injectable()
export class ProvinceClient {
  /** Signatures of answers already taken (a replayed acknowledgement is refused). */
  private readonly seenAnswers = new MemoryReplayStore();

  async post(o: {
    url: string;
    body: string;
    key: SigningKey;
    /** The keys the province may sign its answers with (the endpoint's key and its accepted keys). */
    answerKeys: Keyring;
    timeoutMs: number;
    signal: AbortSignal;
  }): Promise<ProvinceAnswer> {
    let res: Response;
    let raw: Buffer;
    try {
      res = await fetch(o.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...signRequest(o.key, o.body) },
        body: o.body,
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]),
      });
      raw = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new Error(describeFailure(err, o.timeoutMs), { cause: err });
    }
    const parsed = parseJson(raw);
    const signature =
      res.status >= 200 && res.status < 300
        ? await verifyAnswer({ headers: res.headers, body: raw, keyring: o.answerKeys, seen: this.seenAnswers })
        : undefined;
    return {
      status: res.status,
      body: parsed.ok ? parsed.value : null,
      retryAfter: res.headers.get('retry-after'),
      signature,
    };
  }
}
