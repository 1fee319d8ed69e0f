import {
  monthPeriod,
  periodOf,
  previousMonth,
  previousWeek,
  ReportPeriodError,
  weekCodeOf,
  weekPeriod,
} from './report-period';

describe('report periods', () => {
  it('names ISO weeks Monday to Sunday', () => {
    expect(weekPeriod('2026-W49')).toEqual({
      kind: 'week',
      code: '2026-W49',
      from: '2026-11-30',
      to: '2026-12-06',
      label: '2026年第49周(11月30日—12月6日)',
    });
    expect(weekPeriod('2026-W01').from).toBe('2025-12-29');
    expect(weekCodeOf('2027-01-03')).toBe('2026-W53');
    expect(weekPeriod('2026-W53').to).toBe('2027-01-03');
    expect(weekCodeOf('2026-12-06')).toBe('2026-W49');
  });

  it('gives Monday’s job the week before and the 1st’s job the month before', () => {
    expect(previousWeek('2026-12-07').code).toBe('2026-W49');
    expect(previousWeek('2026-12-13').code).toBe('2026-W49'); // any day of W50
    expect(previousWeek('2027-01-04').code).toBe('2026-W53');
    expect(previousMonth('2026-12-01')).toMatchObject({ code: '2026-11', from: '2026-11-01', to: '2026-11-30' });
    expect(previousMonth('2027-01-01')).toMatchObject({ code: '2026-12', to: '2026-12-31' });
    expect(monthPeriod('2028-02').to).toBe('2028-02-29');
    expect(periodOf('2026-11').label).toBe('2026年11月');
  });

  it('refuses malformed periods with the reason', () => {
    expect(() => weekPeriod('2026-49')).toThrow(ReportPeriodError);
    expect(() => weekPeriod('2025-W53')).toThrow('2025 has weeks 1 to 52, got 2025-W53');
    expect(() => monthPeriod('2026-13')).toThrow('month must be YYYY-MM');
  });
});
