import { beijingDateOf, formatBeijingDateTime, isBeijingDateTime, isIsoDate } from './beijing-time';

describe('Beijing time', () => {
  it('puts an instant on its Beijing calendar day', () => {
    expect(beijingDateOf(Date.parse('2025-02-28T15:59:59Z'))).toBe('2025-02-28');
    expect(beijingDateOf(Date.parse('2025-02-28T16:00:00Z'))).toBe('2025-03-01');
    expect(formatBeijingDateTime(Date.parse('2025-02-28T16:00:00.999Z'))).toBe('2025-03-01T00:00:00+08:00');
  });

  it('accepts only real dates and Beijing times', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-3-1')).toBe(false);
    expect(isBeijingDateTime('2025-03-01T23:59:59+08:00')).toBe(true);
    expect(isBeijingDateTime('2025-03-01T24:00:00+08:00')).toBe(false);
    expect(isBeijingDateTime('2025-03-01T12:00:00Z')).toBe(false);
  });
});
