import {
  chineseNumeral,
  columnHeading,
  formatBeijingTime,
  formatCount,
  formatFen,
  formatPercentChange,
  formatRate,
  formatReportCell,
} from './report-values';

describe('report values as text', () => {
  it('writes fen as 元 with two decimals and thousands separators, by integer arithmetic', () => {
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(123456)).toBe('1,234.56');
    expect(formatFen(318_742_650)).toBe('3,187,426.50');
    expect(formatFen(-5)).toBe('-0.05');
    expect(formatFen(-100_000_001)).toBe('-1,000,000.01');
    // Beyond what a division by 100 in a double would print exactly.
    expect(formatFen(9_007_199_254_740_991)).toBe('90,071,992,547,409.91');
  });

  it('writes rates as percentages with two decimals, half away from zero', () => {
    expect(formatRate(0.8734)).toBe('87.34%');
    expect(formatRate(1)).toBe('100.00%');
    expect(formatRate(0)).toBe('0.00%');
    expect(formatRate(0.12345)).toBe('12.35%');
    expect(formatRate(0.00005)).toBe('0.01%');
    expect(formatRate(1.5)).toBe('150.00%');
  });

  it('writes changes with their sign', () => {
    expect(formatPercentChange(0.012)).toBe('+1.20%');
    expect(formatPercentChange(-0.005)).toBe('-0.50%');
    expect(formatPercentChange(-0.02785)).toBe('-2.79%');
    expect(formatPercentChange(0)).toBe('0.00%');
    expect(formatPercentChange(0.00004)).toBe('0.00%');
  });

  it('writes counts with separators and cells by their column kind, empty for null', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-42)).toBe('-42');
    expect(formatReportCell('fen', 100)).toBe('1.00');
    expect(formatReportCell('rate', null)).toBe('');
    expect(formatReportCell('rate', null, '—')).toBe('—');
    expect(formatReportCell('text', '任城区')).toBe('任城区');
    expect(formatReportCell('date', '2026-12-01')).toBe('2026-12-01');
  });

  it('puts the unit into an amount column heading once', () => {
    expect(columnHeading({ key: 'p', title: '保费', kind: 'fen' })).toBe('保费（元）');
    expect(columnHeading({ key: 'p', title: '保费（元）', kind: 'fen' })).toBe('保费（元）');
    expect(columnHeading({ key: 'r', title: '投保率', kind: 'rate' })).toBe('投保率');
  });

  it('numbers sections in Chinese and prints Beijing time', () => {
    expect([1, 7, 10, 12, 20, 21, 99].map(chineseNumeral)).toEqual([
      '一',
      '七',
      '十',
      '十二',
      '二十',
      '二十一',
      '九十九',
    ]);
    expect(formatBeijingTime('2026-12-07T08:00:00+08:00')).toBe('2026-12-07 08:00');
    expect(formatBeijingTime('2026-12-06T16:30:00Z')).toBe('2026-12-07 00:30');
  });
});
