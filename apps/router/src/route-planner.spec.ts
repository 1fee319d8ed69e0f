import { builtInRulePackBySpec, type Department, EntitlementIndex } from '@ajx/authz';
import type { AccidentRecord, ClaimRecord, RecordOfKind } from '@ajx/contracts';
import { canonicalEventFixture } from '@ajx/testing';
import { isUrgentAccident, KIND_ROUTING, planRouting, type RoutableEvent, urgencyOf } from './route-planner';

const departments: Department[] = [
  { id: 'c-em', name: 'c-em', kind: 'emergency', level: 'county', regionCode: '330102' },
  { id: 'c-con', name: 'c-con', kind: 'construction', level: 'county', regionCode: '330102' },
  { id: 'm-em', name: 'm-em', kind: 'emergency', level: 'city', regionCode: '330100' },
  { id: 'p-em', name: 'p-em', kind: 'emergency', level: 'province', regionCode: '330000' },
];
const index = new EntitlementIndex(builtInRulePackBySpec('default@2'), departments);

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
      kind: 'hazard',
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

function accident(subject: string, version: number, a: Partial<AccidentRecord>, region = '330102'): RoutableEvent {
  const f = canonicalEventFixture({ kind: 'accident', subject, version, region, sector: 'construction' });
  const data = { ...(f.data as AccidentRecord), ...a };
  return {
    kind: 'accident',
    insurer: f.insurer,
    subject,
    version,
    eventId: f.id,
    action: data.action,
    uscc: f.uscc,
    region,
    sector: 'construction',
    businessTime: f.time,
    data,
    correction: false,
    acceptedAt: null,
  };
}

describe('urgent lane for accidents', () => {
  it('is for an accident with a death or graded larger and above', () => {
    expect(isUrgentAccident({ deaths: 0, grade: 'general' })).toBe(false);
    expect(isUrgentAccident({ deaths: 1, grade: 'general' })).toBe(true);
    for (const grade of ['larger', 'major', 'especially_major'] as const)
      expect(isUrgentAccident({ deaths: 0, grade })).toBe(true);
  });

  it('opens an escalation for an open urgent accident, flagged urgent at the first tier, and closes it when closed', () => {
    const open = accident('A1', 1, { deaths: 1 });
    expect(urgencyOf(open, index)).toMatchObject({
      kind: 'accident',
      open: true,
      plan: { county: ['c-con', 'c-em'], city: ['m-em'], province: ['p-em'] },
    });
    const plan = planRouting(
      [open, accident('A2', 1, {}), accident('A3', 1, { grade: 'larger' }, '330105')],
      new Map(),
      new Map(),
      index,
    );
    const urgent = (s: string) =>
      plan.changes
        .filter((c) => c.subject === s && c.urgent)
        .map((c) => c.departmentId)
        .sort();
    expect(urgent('A1')).toEqual(['c-con', 'c-em']);
    expect(urgent('A2')).toEqual([]);
    expect(urgent('A3')).toEqual(['m-em']);
    expect(plan.urgencies.map((u) => [u.subject, u.open, u.reason])).toEqual([
      ['A1', true, null],
      ['A2', false, 'no longer urgent'],
      ['A3', true, null],
    ]);
    const closed = accident('A1', 2, { deaths: 1, status: 'closed', action: 'closed' });
    expect(urgencyOf(closed, index)).toMatchObject({ open: false, reason: 'closed' });
  });

  it('gives views their filter columns: grade and status, claims by status, the business date of the period', () => {
    const a = accident('A1', 1, { grade: 'larger', deaths: 0 });
    const [change] = planRouting([a], new Map(), new Map(), index).changes;
    expect(change).toMatchObject({ status: 'open', level: 'larger', recordTime: '2025-03-01T08:30:00+08:00' });
    const claim = canonicalEventFixture({
      kind: 'claim',
      subject: 'C1',
      version: 4,
      region: '330102',
      sector: 'construction',
    });
    const data = claim.data as ClaimRecord;
    expect(KIND_ROUTING.claim.status(data, data.action)).toBe('paid');
    expect(KIND_ROUTING.claim.recordTime(data)).toBe(data.filedAt);
    expect(KIND_ROUTING.claim.level(data)).toBeNull();
    expect(KIND_ROUTING.claim.urgency).toBeUndefined();
  });

  it('masks a claim’s amounts for the sector department and not for emergency', () => {
    const f = canonicalEventFixture({
      kind: 'claim',
      subject: 'C2',
      version: 4,
      region: '330102',
      sector: 'construction',
    });
    const e: RoutableEvent = {
      kind: 'claim',
      insurer: f.insurer,
      subject: f.subject,
      version: 4,
      eventId: f.id,
      action: 'paid',
      uscc: f.uscc,
      region: f.region,
      sector: f.sector,
      businessTime: f.time,
      data: f.data,
      correction: false,
      acceptedAt: null,
    };
    const plan = planRouting([e], new Map(), new Map(), index);
    const dataOf = (d: string) => plan.changes.find((c) => c.departmentId === d)?.data as ClaimRecord;
    expect(dataOf('c-con')).toMatchObject({ claimedFen: null, agreedFen: null, paidFen: null });
    expect(dataOf('c-em')).toEqual(f.data);
  });
});
