import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCanonicalRecord } from './canonical.validator';

const SHARED = join(__dirname, '../../../../../shared/contracts');
const OWN = join(__dirname, '../../schemas');

describe('canonical record schemas', () => {
  (existsSync(SHARED) ? it : it.skip).each(['policy', 'service', 'hazard'])(
    '%s schema is a byte-identical copy of shared/contracts',
    (kind) => {
      const file = `${kind}.v1.schema.json`;
      expect(readFileSync(join(OWN, file)).equals(readFileSync(join(SHARED, file)))).toBe(true);
    },
  );

  const hazard = {
    hazardId: 'H1',
    insurer: 'PICC',
    action: 'reported',
    version: 1,
    serviceId: null,
    policyNo: null,
    enterprise: { uscc: '91330902971540106E', name: '某公司', regionCode: '330902', sector: 'coal_mining' },
    level: 'general',
    category: null,
    description: '描述',
    discoveredAt: '2024-06-03T11:00:00+08:00',
    rectifyBy: null,
    status: 'open',
    rectifiedAt: null,
  };

  it('accepts a valid record and names each problem of an invalid one', () => {
    expect(validateCanonicalRecord('hazard', hazard)).toEqual([]);
    const problems = validateCanonicalRecord('hazard', { ...hazard, version: 0, extra: 1, level: 'minor' });
    expect(problems.length).toBe(3);
    expect(problems.join('\n')).toMatch(/version/);
  });
});
