import { backoffMs, classifyNetworkFailure, classifyResponse, parseRetryAfter } from './retry';

describe('sender decisions', () => {
  it.each([
    [200, undefined, 'done'],
    [400, { code: 'INVALID_BATCH' }, 'halt'],
    [401, { code: 'SIGNATURE_MISMATCH' }, 'halt'],
    [401, { code: 'UNKNOWN_KEY' }, 'halt'],
    [401, { code: 'TIMESTAMP_OUT_OF_WINDOW' }, 'retry'],
    [401, { code: 'REPLAYED' }, 'retry'],
    [403, { code: 'SENDER_NOT_ALLOWED' }, 'halt'],
    [404, undefined, 'halt'],
    [408, undefined, 'retry'],
    [409, { code: 'BATCH_CONFLICT' }, 'halt'],
    [413, { code: 'PAYLOAD_TOO_LARGE' }, 'split'],
    [429, { code: 'RATE_LIMITED' }, 'retry'],
    [500, undefined, 'retry'],
    [502, 'Bad gateway', 'retry'],
    [503, { code: 'UNAVAILABLE' }, 'retry'],
  ])('HTTP %i %j → %s', (status, body, action) => {
    expect(classifyResponse(status, body).action).toBe(action);
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.UTC(2025, 2, 1);
    expect(classifyResponse(503, null, '7', now)).toEqual({ action: 'retry', afterMs: 7000, reason: 'HTTP 503' });
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('retries when no answer came', () => {
    expect(classifyNetworkFailure(new Error('socket hang up'))).toEqual({
      action: 'retry',
      afterMs: null,
      reason: 'socket hang up',
    });
  });

  it('backs off exponentially with bounded jitter', () => {
    expect(backoffMs(1, { random: () => 0 })).toBe(250);
    expect(backoffMs(1, { random: () => 1 })).toBe(500);
    expect(backoffMs(4, { random: () => 1 })).toBe(4000);
    expect(backoffMs(30, { random: () => 1 })).toBe(60000);
  });
});
