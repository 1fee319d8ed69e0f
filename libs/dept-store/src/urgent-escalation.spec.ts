import { firstTier, nextTier, notifiedDepartments, type UrgentTiers } from './urgent-escalation.repository';

describe('urgent lane tiers', () => {
  const plan: UrgentTiers = { county: ['c1', 'c2'], city: [], province: ['p1'] };

  it('starts at the county, or at once higher up when a level has no department', () => {
    expect(firstTier(plan)).toBe('county');
    expect(firstTier({ county: [], city: ['m1'], province: ['p1'] })).toBe('city');
    expect(firstTier({ county: [], city: [], province: [] })).toBeNull();
  });

  it('escalates to the next level that has departments, and stops at the top', () => {
    expect(nextTier(plan, 'county')).toBe('province');
    expect(nextTier({ county: ['c'], city: ['m'], province: ['p'] }, 'county')).toBe('city');
    expect(nextTier(plan, 'province')).toBeNull();
  });

  it('lets every department notified so far acknowledge', () => {
    expect([...notifiedDepartments(plan, 'county')]).toEqual(['c1', 'c2']);
    expect([...notifiedDepartments(plan, 'province')]).toEqual(['c1', 'c2', 'p1']);
  });
});
