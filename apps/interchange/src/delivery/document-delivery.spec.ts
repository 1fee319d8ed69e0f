import { deliverDocument, StoppedError } from './document-delivery';
import type { ProvinceAnswer } from './province.client';

type Step = ProvinceAnswer | Error;

function run(steps: Step[], o: { accept?: (b: unknown) => unknown; stopAfter?: number } = {}) {
  const waits: number[] = [];
  const failures: string[] = [];
  let sent = 0;
  const promise = deliverDocument({
    send: async () => {
      const step = steps[sent++];
      if (step instanceof Error) throw step;
      return step;
    },
    accept: o.accept ?? ((b) => b),
    onFailedAttempt: async (reason) => void failures.push(reason),
    wait: async (ms) => void waits.push(ms),
    stopped: () => o.stopAfter !== undefined && sent >= o.stopAfter,
    backoff: (attempt) => attempt * 100,
    maxWaitMs: 5000,
  });
  return { promise, waits, failures, sent: () => sent };
}

const answer = (status: number, body: unknown = {}, retryAfter: string | null = null): ProvinceAnswer => ({
  status,
  body,
  retryAfter,
});

describe('delivering one document', () => {
  it('retries the same document through errors, no answers and non-acknowledgements until it is acknowledged', async () => {
    const r = run(
      [
        answer(503, { code: 'UNAVAILABLE' }, '2'),
        new Error('no answer within 1000 ms'),
        answer(401, { code: 'REPLAYED' }),
        answer(200, { not: 'an ack' }),
        answer(429, { code: 'RATE_LIMITED' }, '3600'),
        answer(200, { ok: true }),
      ],
      {
        accept: (b) => {
          if (!(b as { ok?: boolean }).ok) throw new Error('not an acknowledgement');
          return 'ack';
        },
      },
    );
    await expect(r.promise).resolves.toEqual({ action: 'done', value: 'ack', attempts: 6 });
    // Retry-After first, else the backoff; a long Retry-After is capped.
    expect(r.waits).toEqual([2000, 200, 1000, 400, 5000]);
    expect(r.failures).toEqual([
      'HTTP 503 UNAVAILABLE',
      'no answer within 1000 ms',
      'HTTP 401 REPLAYED',
      'HTTP 200 but not an acknowledgement',
      'HTTP 429 RATE_LIMITED',
    ]);
  });

  it('stops at split (413) and halt (400, 401 keys, 409), without retrying', async () => {
    await expect(run([answer(413, { code: 'PAYLOAD_TOO_LARGE' })]).promise).resolves.toEqual({
      action: 'split',
      reason: 'HTTP 413 PAYLOAD_TOO_LARGE',
      attempts: 1,
    });
    for (const [status, code] of [
      [400, 'INVALID_BATCH'],
      [401, 'UNKNOWN_KEY'],
      [409, 'BATCH_CONFLICT'],
    ] as const) {
      const r = run([answer(503), answer(status, { code })]);
      await expect(r.promise).resolves.toEqual({ action: 'halt', reason: `HTTP ${status} ${code}`, attempts: 2 });
      expect(r.sent()).toBe(2);
    }
  });

  it('gives up with StoppedError when the sender stops', async () => {
    const r = run([new Error('aborted'), answer(200)], { stopAfter: 1 });
    await expect(r.promise).rejects.toBeInstanceOf(StoppedError);
    expect(r.sent()).toBe(1);
  });
});
