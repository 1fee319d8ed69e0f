import type { EndpointOverview } from '@ajx/interchange-store';
import { endpointState } from './interchange-status.service';

const stored = (o: Partial<EndpointOverview> = {}): EndpointOverview => ({
  endpointId: 'zj',
  province: '33',
  watermark: 10,
  ackedAt: new Date(),
  scheduledTarget: null,
  haltedAt: null,
  haltedReason: null,
  inFlight: null,
  ...o,
});
const batch = (attempts: number, lastError: string | null) => ({
  batchId: 'b1',
  mode: 'realtime' as const,
  entries: 5,
  attempts,
  lastError,
  lastAttemptAt: attempts ? new Date() : null,
});

describe('endpointState', () => {
  it('names the state from what is stored, the halt first', () => {
    expect(endpointState(null, 3)).toBe('not-started');
    expect(endpointState(stored({ haltedAt: new Date(), inFlight: batch(2, '409') }), 5)).toBe('halted');
    expect(endpointState(stored({ inFlight: batch(2, 'timeout') }), 5)).toBe('retrying');
    expect(endpointState(stored({ inFlight: batch(0, null) }), 5)).toBe('sending');
    expect(endpointState(stored(), 5)).toBe('behind');
    expect(endpointState(stored(), 0)).toBe('up-to-date');
  });
});
