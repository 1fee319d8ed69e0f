import { violationLadder, type ConfirmedFinding } from './violation-ladder';

const confirmed = (
  rule: ConfirmedFinding['rule'],
  key: string,
  confirmedAt = '2024-05-01T10:00:00+08:00',
  insurer: string | null = 'PICC',
): ConfirmedFinding => ({
  rule,
  key,
  insurer,
  confirmedAt,
});

describe('violationLadder (济宁 七(八))', () => {
  it('one confirmed violation → 通报批评, two → 警告, three → 退出市场审查', () => {
    const one = [confirmed('OUT_OF_TERRITORY', 'PICC/A')];
    expect(violationLadder(one)).toEqual([
      {
        insurer: 'PICC',
        year: 2024,
        violations: 1,
        feeUnderAccrued: 0,
        stage: 'criticism',
        stageName: '通报批评',
        findings: ['OUT_OF_TERRITORY PICC/A'],
      },
    ]);
    const two = [...one, confirmed('RATE_BELOW_FLOOR', 'PICC/B')];
    expect(violationLadder(two)[0]).toMatchObject({ violations: 2, stage: 'warning', stageName: '警告' });
    const three = [...two, confirmed('ACCIDENT_FACTOR_UNDERSTATED', 'PICC/C')];
    expect(violationLadder(three)[0]).toMatchObject({
      violations: 3,
      stage: 'market_exit_review',
      stageName: '退出市场审查',
    });
  });

  it('any confirmed FEE_UNDER_ACCRUED → 退出市场审查', () => {
    expect(violationLadder([confirmed('FEE_UNDER_ACCRUED', 'PICC/A')])[0]).toMatchObject({
      violations: 0,
      feeUnderAccrued: 1,
      stage: 'market_exit_review',
    });
  });

  it('counts per insurer and Beijing year, each finding once, ignoring other rules and enterprise findings', () => {
    const ladder = violationLadder(
      [
        confirmed('RATE_MISMATCH', 'PICC/A', '2023-12-31T16:30:00Z'), // 2024-01-01 in Beijing
        confirmed('RATE_MISMATCH', 'PICC/A', '2024-03-01T10:00:00+08:00'), // confirmed again after re-opening
        confirmed('HEADCOUNT_REDUCED', 'PICC/B', '2023-12-31T15:30:00Z'), // 2023-12-31 in Beijing
        confirmed('RENEWAL_INSURER_CHANGED', 'DADI/C'),
        confirmed('PARTIAL_HEADCOUNT', 'PICC/D'),
        confirmed('LAPSED', '91370811MA3C000001', undefined, null),
      ].map((f, i) => (i === 3 ? { ...f, insurer: 'DADI' } : f)),
    );
    expect(ladder.map((l) => [l.insurer, l.year, l.violations, l.stage])).toEqual([
      ['DADI', 2024, 1, 'criticism'],
      ['PICC', 2023, 1, 'criticism'],
      ['PICC', 2024, 1, 'criticism'],
    ]);
  });

  it('refuses a confirmation time that is not a timestamp', () => {
    expect(() => violationLadder([confirmed('RATE_MISMATCH', 'PICC/A', 'yesterday')])).toThrow('not a timestamp');
  });
});
