import { maskFinding } from './finding.mask';

const fee = {
  rule: 'FEE_UNDER_ACCRUED',
  key: 'PICC/PICCAZ2026000001',
  facts: { reported: 10_000, required: 60_000 },
  message: '保单 PICCAZ2026000001 预防费用计提 100.00 元,低于应计提 600.00 元',
  state: 'open',
};

describe('maskFinding', () => {
  it('hides amounts and the sentence quoting them where commercial fields are masked', () => {
    const masked = maskFinding(fee, { personal: 'visible', commercial: 'masked' });
    expect(masked.facts).toEqual({ reported: null, required: null });
    expect(masked.message).not.toContain('100.00');
    expect(masked.message).not.toContain('600.00');
    expect(fee.facts.reported).toBe(10_000);
  });

  it('keeps everything where they are visible, and for rules without amounts', () => {
    expect(maskFinding(fee, { personal: 'masked', commercial: 'visible' })).toEqual(fee);
    const headcount = {
      rule: 'PARTIAL_HEADCOUNT',
      key: 'k',
      facts: { insured: 1, employees: 2, missing: 1 },
      message: 'm',
    };
    expect(maskFinding(headcount, { personal: 'visible', commercial: 'masked' })).toEqual(headcount);
  });
});
