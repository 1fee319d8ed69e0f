import { builtInRulePackBySpec, type Department, EntitlementIndex } from '@ajx/authz';
import type { RecordOfKind } from '@ajx/contracts';
import { planRouting, type RoutableEvent, urgencyOf } from './route-planner';

const departments: Department[] = [
  { id: 'c-em', name: 'c-em', kind: 'emergency', level: 'county', regionCode: '330102' },
  { id: 'c-con', name: 'c-con', kind: 'construction', level: 'county', regionCode: '330102' },
  { id: 'm-em', name: 'm-em', kind: 'emergency', level: 'city', regionCode: '330100' },
  { id: 'p-em', name: 'p-em', kind: 'emergency', level: 'province', regionCode: '330000' },
];
const index = new EntitlementIndex(builtInRulePackBySpec('default@1'), departments);

function hazard(
  subject: string,
  version: number,
  level: 'general' | 'major',
  status: 'open' | 'rectified',
  region = '330102',
): RoutableEvent {
  const data = { hazardId: subject, level, status } as unknown as RecordOfKind['hazard'];
  return {
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version,
    eventId: `00000000-0000-4000-8000-00000000000${version}`,
    action: 'reported',
    uscc: '91330106MA2B0X2K4A',
    region,
    sector: 'construction',
    businessTime: '2026-03-02T08:00:00+08:00',
    data,
    correction: false,
    acceptedAt: null,
  };
}

describe('urgent lane in routing', () => {
  it('opens an escalation over the urgent plan for an open major hazard', () => {
    expect(urgencyOf(hazard('H1', 1, 'major', 'open'), index)).toEqual({
      insurer: 'PICC',
      subject: 'H1',
      version: 1,
      eventId: '00000000-0000-4000-8000-000000000001',
      open: true,
      reason: null,
      plan: { county: ['c-con', 'c-em'], city: ['m-em'], province: ['p-em'] },
    });
  });

  it('closes it for a rectified or no longer major version', () => {
    expect(urgencyOf(hazard('H1', 2, 'major', 'rectified'), index)).toMatchObject({ open: false, reason: 'rectified' });
    expect(urgencyOf(hazard('H1', 2, 'general', 'open'), index)).toMatchObject({
      open: false,
      reason: 'no longer major',
    });
  });

  it('flags the first tier urgent (the city at once without a county department) and reports every live hazard', () => {
    const plan = planRouting(
      [
        hazard('H1', 1, 'major', 'open'),
        hazard('H2', 1, 'major', 'open', '330105'),
        hazard('H3', 1, 'general', 'open'),
      ],
      new Map(),
      new Map(),
      index,
    );
    const urgent = (s: string) =>
      plan.changes
        .filter((c) => c.subject === s && c.urgent)
        .map((c) => c.departmentId)
        .sort();
    expect(urgent('H1')).toEqual(['c-con', 'c-em']);
    expect(urgent('H2')).toEqual(['m-em']);
    expect(urgent('H3')).toEqual([]);
    expect(plan.urgencies.map((u) => [u.subject, u.open])).toEqual([
      ['H1', true],
      ['H2', true],
      ['H3', false],
    ]);
  });

  it('leaves escalations alone when re-projecting', () => {
    const plan = planRouting([hazard('H1', 1, 'major', 'open')], new Map(), new Map(), index, {
      kind: 'reproject',
      departmentId: null,
    });
    expect(plan.urgencies).toEqual([]);
  });
});
