import { beijingDayOf, dayNumber, isBeijingDateTime, isIsoDate, isoDateOf, isRfc3339, quarterOf } from './calendar';

describe('calendar', () => {
  it('day numbers agree with Date and round-trip', () => {
    for (const d of ['1970-01-01', '2000-02-29', '2023-12-31', '2024-02-29', '2024-03-01', '2100-03-01', '1969-12-31'])
      expect([dayNumber(d), isoDateOf(dayNumber(d))]).toEqual([Date.parse(`${d}T00:00:00Z`) / 86_400_000, d]);
    expect(dayNumber('2025-01-09') - dayNumber('2024-12-31')).toBe(9);
  });

  it('checks real dates', () => {
    expect(['2024-02-29', '2000-02-29', '2023-12-31'].map(isIsoDate)).toEqual([true, true, true]);
    expect(
      ['2023-02-29', '1900-02-29', '2024-13-01', '2024-04-31', '2024-1-01', '20240101', ''].map(isIsoDate),
    ).toEqual(Array(7).fill(false));
  });

  it('checks canonical datetimes and RFC 3339 timestamps', () => {
    expect(isBeijingDateTime('2024-06-30T23:59:59+08:00')).toBe(true);
    expect(isBeijingDateTime('2024-06-30T24:00:00+08:00')).toBe(false);
    expect(isBeijingDateTime('2024-06-30T12:00:00Z')).toBe(false);
    expect(['2023-03-06T16:00:17.000Z', '2023-03-06T16:00:17Z', '2023-03-06T16:00:17+08:00'].map(isRfc3339)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['2023-03-06 16:00:17Z', '2023-02-30T16:00:17Z', '2023-03-06T16:00:17'].map(isRfc3339)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('gives the Beijing date of a UTC instant', () => {
    expect(isoDateOf(beijingDayOf('2024-06-30T15:59:59.999Z'))).toBe('2024-06-30');
    expect(isoDateOf(beijingDayOf('2024-06-30T16:00:00.000Z'))).toBe('2024-07-01');
    expect(isoDateOf(beijingDayOf('2024-07-01T00:00:00+08:00'))).toBe('2024-07-01');
  });

  it('names quarters', () => {
    expect(['2024-01-01', '2024-03-31', '2024-04-01', '2024-12-31'].map((d) => quarterOf(dayNumber(d)))).toEqual([
      '2024Q1',
      '2024Q1',
      '2024Q2',
      '2024Q4',
    ]);
  });
});
