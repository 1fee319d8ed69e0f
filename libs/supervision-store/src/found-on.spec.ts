import { foundOn } from './supervision-findings.repository';

describe('foundOn', () => {
  it('is the last finished run’s date for an open finding written before it', () => {
    expect(foundOn({ state: 'open', evaluatedOn: '2026-12-01' }, '2026-12-07')).toBe('2026-12-07');
  });
  it('is the finding’s own date when later than the run’s, or when there was no run', () => {
    expect(foundOn({ state: 'open', evaluatedOn: '2026-12-08' }, '2026-12-07')).toBe('2026-12-08');
    expect(foundOn({ state: 'open', evaluatedOn: '2026-12-01' }, null)).toBe('2026-12-01');
  });
  it('is the resolution’s date for a resolved finding: later runs did not find it', () => {
    expect(foundOn({ state: 'resolved', evaluatedOn: '2026-12-01' }, '2026-12-07')).toBe('2026-12-01');
  });
});
