import type { AccidentRecord, ClaimRecord, HazardRecord, PolicyRecord, ServiceRecord } from '@ajx/contracts';
import { maskRecord, type FieldVisibility } from './record.mask';

// Canonical records as the normaliser produces them for shared/samples (PINGAN s2).
const policy: PolicyRecord = {
  policyNo: 'PAAZ2025873445',
  insurer: 'PINGAN',
  action: 'issued',
  version: 0,
  enterprise: {
    uscc: '913309217565901007',
    name: '舟山永安建筑工程有限公司',
    regionCode: '330921',
    sector: 'construction',
    industryCode: 'E4710',
    employeeCount: 409,
  },
  contact: { name: '林秀英', phone: '13798888462' },
  coverage: {
    start: '2024-12-16',
    end: '2025-12-15',
    insuredHeadcount: 409,
    perPersonLimitFen: 50000000,
    totalLimitFen: 1000000000,
  },
  premium: {
    amountFen: 13762596,
    adjustmentPct: -15,
    factors: {
      standardization: 'level1',
      safetyCulture: 'national',
      advancedUnit: 'province',
      priorYearAccident: 'none',
    },
  },
  preventionFeeFen: 688130,
  cancelledOn: null,
};
const service: ServiceRecord = {
  serviceId: 'PAFW2024987171',
  insurer: 'PINGAN',
  action: 'recorded',
  version: 1,
  policyNo: 'PAAZ2025873445',
  enterprise: {
    uscc: '913309217565901007',
    name: '舟山永安建筑工程有限公司',
    regionCode: '330921',
    sector: 'construction',
  },
  item: 'standardization',
  form: 'other',
  provider: { kind: 'insurer', name: '中国平安财产保险股份有限公司', uscc: null },
  staff: [
    { name: '郭洋', certificateNo: 'AQ23952056' },
    { name: '𠀋王勇', certificateNo: null },
    { name: '李', certificateNo: 'A123' },
  ],
  startedAt: '2025-05-09T14:00:00+08:00',
  endedAt: '2025-05-09T21:00:00+08:00',
  location: '舟山市岱山县工业园区33号',
  summary: '指导企业修订应急预案并开展演练',
  hazardsFound: 0,
  costFen: 298500,
  revisit: { at: '2025-05-13T14:00:00+08:00', satisfied: null, note: null },
};
const hazard: HazardRecord = {
  hazardId: 'PAYH2024739715',
  insurer: 'PINGAN',
  action: 'reported',
  version: 1,
  serviceId: 'PAFW2023883509',
  policyNo: 'PAAZ2025615053',
  enterprise: { uscc: '91370828421542676E', name: '济宁瑞丰热电有限责任公司', regionCode: '370828', sector: 'power' },
  level: 'major',
  category: '电气安全',
  description: '脚手架连墙件缺失',
  discoveredAt: '2024-06-27T11:00:00+08:00',
  rectifyBy: '2024-07-15',
  status: 'open',
  rectifiedAt: null,
};
// Canonical records as the normaliser produces them for shared/samples-v2 (CPIC s1).
const accident: AccidentRecord = {
  accidentId: 'CPICSG2024296945',
  insurer: 'CPIC',
  action: 'reported',
  version: 1,
  policyNo: 'CPICAZ2024101101',
  enterprise: {
    uscc: '91330111MA2H3K8L9C',
    name: '杭州富阳金属制品有限公司',
    regionCode: '330111',
    sector: 'metal_smelting',
  },
  occurredAt: '2024-08-03T14:20:00+08:00',
  location: '熔炼车间',
  category: 'burn',
  grade: 'general',
  deaths: 2,
  seriousInjuries: 0,
  minorInjuries: 3,
  directLossFen: 182000000,
  description: '钢水外溢造成灼烫',
  status: 'open',
  reportedToAuthorityAt: '2024-08-03T14:50:00+08:00',
};
const claim: ClaimRecord = {
  claimNo: 'CPICPA2025222798',
  insurer: 'CPIC',
  action: 'paid',
  version: 4,
  policyNo: 'CPICAZ2024101101',
  accidentId: 'CPICSG2024296945',
  enterprise: accident.enterprise,
  filedAt: '2024-08-04T09:00:00+08:00',
  documentsCompleteAt: '2024-08-20T09:00:00+08:00',
  decidedAt: '2024-09-01T09:00:00+08:00',
  decision: 'accept',
  agreedAt: '2024-09-05T09:00:00+08:00',
  paidAt: '2024-09-10T09:00:00+08:00',
  claimedFen: 120000000,
  agreedFen: 110000000,
  paidFen: 110000000,
  victims: 5,
};

const VISIBLE: FieldVisibility = { personal: 'visible', commercial: 'visible' };
const SECTOR_DEPT: FieldVisibility = { personal: 'visible', commercial: 'masked' };
const REGULATOR: FieldVisibility = { personal: 'masked', commercial: 'visible' };
const ALL_MASKED: FieldVisibility = { personal: 'masked', commercial: 'masked' };

/** Every object reachable from `value`. */
function objectsOf(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null) {
    into.add(value);
    for (const v of Object.values(value)) objectsOf(v, into);
  }
  return into;
}

describe('maskRecord', () => {
  it('masks the personal fields of a policy for the financial regulator', () => {
    const view = maskRecord('policy', policy, REGULATOR);
    expect(view.contact).toEqual({ name: '林**', phone: '137****8462' });
    expect(view.premium).toEqual(policy.premium);
    expect(view.preventionFeeFen).toBe(688130);
    expect({ ...view, contact: policy.contact }).toEqual(policy);
  });

  it('nulls the commercial fields of a policy for a sector department', () => {
    const view = maskRecord('policy', policy, SECTOR_DEPT);
    expect(view.premium).toEqual({ amountFen: null, adjustmentPct: null, factors: null });
    expect(view.preventionFeeFen).toBeNull();
    expect(view.contact).toEqual(policy.contact);
    expect({ ...view, premium: policy.premium, preventionFeeFen: policy.preventionFeeFen }).toEqual(policy);
  });

  it('keeps null personal values null', () => {
    const view = maskRecord('policy', { ...policy, contact: { name: null, phone: null } }, ALL_MASKED);
    expect(view.contact).toEqual({ name: null, phone: null });
    const short = maskRecord('policy', { ...policy, contact: { name: '张', phone: '12345' } }, ALL_MASKED);
    expect(short.contact).toEqual({ name: '*', phone: '*****' });
  });

  it('masks staff names and certificate numbers of a service, code point by code point', () => {
    const view = maskRecord('service', service, REGULATOR);
    expect(view.staff).toEqual([
      { name: '郭*', certificateNo: 'AQ******56' },
      { name: '𠀋**', certificateNo: null },
      { name: '*', certificateNo: '****' },
    ]);
    expect(view.costFen).toBe(298500);
    expect(view.provider).toEqual(service.provider);
  });

  it('nulls the cost of a service for a sector department and keeps the staff', () => {
    const view = maskRecord('service', service, SECTOR_DEPT);
    expect(view.costFen).toBeNull();
    expect(view.staff).toEqual(service.staff);
  });

  it('passes hazards through (they carry no personal or commercial field)', () => {
    expect(maskRecord('hazard', hazard, ALL_MASKED)).toEqual(hazard);
  });

  it('nulls the direct loss of an accident where commercial fields are masked; casualties are no personal field', () => {
    expect(maskRecord('accident', accident, SECTOR_DEPT)).toEqual({ ...accident, directLossFen: null });
    expect(maskRecord('accident', accident, REGULATOR)).toEqual(accident);
  });

  it('nulls the amounts of a claim where commercial fields are masked, and nothing else', () => {
    expect(maskRecord('claim', claim, SECTOR_DEPT)).toEqual({
      ...claim,
      claimedFen: null,
      agreedFen: null,
      paidFen: null,
    });
    expect(maskRecord('claim', claim, REGULATOR)).toEqual(claim);
  });

  it('returns the canonical content unchanged for a fully entitled department', () => {
    expect(maskRecord('policy', policy, VISIBLE)).toEqual(policy);
    expect(maskRecord('service', service, VISIBLE)).toEqual(service);
    expect(maskRecord('accident', accident, VISIBLE)).toEqual(accident);
    expect(maskRecord('claim', claim, VISIBLE)).toEqual(claim);
  });

  it.each([
    ['policy', policy],
    ['service', service],
    ['hazard', hazard],
    ['accident', accident],
    ['claim', claim],
  ] as const)('never mutates the %s and shares no object with it', (kind, record) => {
    const before = structuredClone(record);
    for (const entitlement of [VISIBLE, SECTOR_DEPT, REGULATOR, ALL_MASKED]) {
      const view = maskRecord(kind, record as never, entitlement);
      expect(record).toEqual(before);
      const inputObjects = objectsOf(record);
      for (const o of objectsOf(view)) expect(inputObjects.has(o)).toBe(false);
    }
  });

  it('refuses a record of another kind', () => {
    expect(() => maskRecord('policy', hazard as never, VISIBLE)).toThrow(
      'maskRecord: not a policy record (no premium)',
    );
    expect(() => maskRecord('service', hazard as never, VISIBLE)).toThrow('not a service record (no staff)');
    expect(() => maskRecord('claim', accident as never, VISIBLE)).toThrow('not a claim record (no claimNo)');
    expect(() => maskRecord('finding' as never, policy as never, VISIBLE)).toThrow('unknown record kind "finding"');
  });
});
