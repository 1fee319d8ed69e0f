import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_KINDS } from './canonical-record';
import { validateCanonicalRecord } from './canonical.validator';

const SHARED = join(__dirname, '../../../../../shared/contracts');
const OWN = join(__dirname, '../../schemas');

const enterprise = { uscc: '91330902971540106E', name: '某公司', regionCode: '330902', sector: 'coal_mining' };

const hazard = {
  hazardId: 'H1',
  insurer: 'PICC',
  action: 'reported',
  version: 1,
  serviceId: null,
  policyNo: null,
  enterprise,
  level: 'general',
  category: null,
  description: '描述',
  discoveredAt: '2024-06-03T11:00:00+08:00',
  rectifyBy: null,
  status: 'open',
  rectifiedAt: null,
};

const accident = {
  accidentId: 'PICCSG2024582174',
  insurer: 'PICC',
  action: 'reported',
  version: 1,
  policyNo: null,
  enterprise,
  occurredAt: '2025-02-03T02:03:53+08:00',
  location: null,
  category: 'boiler_explosion',
  grade: 'larger',
  deaths: 3,
  seriousInjuries: 2,
  minorInjuries: 0,
  directLossFen: null,
  description: '锅炉爆炸',
  status: 'open',
  reportedToAuthorityAt: '2025-02-03T02:42:53+08:00',
};

const claim = {
  claimNo: 'PICCPA2024069569',
  insurer: 'PICC',
  action: 'paid',
  version: 4,
  policyNo: 'PICCAZ2023042729',
  accidentId: 'PICCSG2024582174',
  enterprise,
  filedAt: '2025-02-05T20:03:53+08:00',
  documentsCompleteAt: '2025-02-07T20:03:53+08:00',
  decidedAt: '2025-03-07T20:03:53+08:00',
  decision: 'accept',
  agreedAt: '2025-03-09T20:03:53+08:00',
  paidAt: '2025-03-20T20:03:53+08:00',
  claimedFen: 64030500,
  agreedFen: 36935600,
  paidFen: 36935600,
  victims: 5,
};

describe('canonical record schemas', () => {
  (existsSync(SHARED) ? it : it.skip).each([...RECORD_KINDS])(
    '%s schema is a byte-identical copy of shared/contracts',
    (kind) => {
      const file = `${kind}.v1.schema.json`;
      expect(readFileSync(join(OWN, file)).equals(readFileSync(join(SHARED, file)))).toBe(true);
    },
  );

  it('accepts a valid record and names each problem of an invalid one', () => {
    expect(validateCanonicalRecord('hazard', hazard)).toEqual([]);
    const problems = validateCanonicalRecord('hazard', { ...hazard, version: 0, extra: 1, level: 'minor' });
    expect(problems.length).toBe(3);
    expect(problems.join('\n')).toMatch(/version/);
  });

  it('accepts the v2 kinds, accident and claim, as strictly as the others', () => {
    expect(validateCanonicalRecord('accident', accident)).toEqual([]);
    expect(validateCanonicalRecord('claim', claim)).toEqual([]);
    expect(validateCanonicalRecord('claim', { ...claim, decision: null, accidentId: null, paidFen: null })).toEqual([]);
    const badAccident = validateCanonicalRecord('accident', { ...accident, grade: 'minor', deaths: -1, extra: 1 });
    expect(badAccident.length).toBe(3);
    expect(validateCanonicalRecord('accident', { ...accident, category: 'struck' }).join()).toMatch(/category/);
    const badClaim = validateCanonicalRecord('claim', { ...claim, action: 'closed', policyNo: null, decision: '' });
    expect(badClaim.join('\n')).toMatch(/action[\s\S]*policyNo|policyNo[\s\S]*action/);
    expect(validateCanonicalRecord('claim', { ...claim, filedAt: '2025-02-05T12:03:53Z' }).join()).toMatch(/filedAt/);
    const { victims: _victims, ...withoutVictims } = claim;
    expect(validateCanonicalRecord('claim', withoutVictims).join()).toMatch(/victims/);
  });

  it('refuses a record of one kind checked as another, and an unknown kind', () => {
    expect(validateCanonicalRecord('accident', hazard).length).toBeGreaterThan(0);
    expect(validateCanonicalRecord('claim', accident).length).toBeGreaterThan(0);
    expect(validateCanonicalRecord('incident' as never, accident)).toEqual(['unknown record kind "incident"']);
  });
});
