import { handOverOf } from './hand-over';

describe('handOverOf (what a re-projection projects of a record)', () => {
  const v = (version: number) => ({ version, eventId: `e${version}` });

  it('projects nothing of a record live routing has not routed', () => {
    expect(handOverOf(v(2), undefined)).toBe('none');
  });

  it('projects the stored version when live routing is at it', () => {
    expect(handOverOf(v(2), v(2))).toBe('stored');
  });

  it('projects the routed version when the store is ahead of live routing (or behind it)', () => {
    expect(handOverOf(v(2), v(0))).toBe('routed');
    expect(handOverOf(v(1), v(2))).toBe('routed');
  });
});
