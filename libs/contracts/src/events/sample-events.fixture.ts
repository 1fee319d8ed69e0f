import type { PolicyRecord } from '../canonical/canonical-record';

/** A valid canonical policy for the contracts' unit tests. */
export const samplePolicy: PolicyRecord = {
  policyNo: 'PICCAZ2023042729',
  insurer: 'PICC',
  action: 'issued',
  version: 0,
  enterprise: {
    uscc: '91330902971540106E',
    name: '舟山顺通煤业有限责任公司',
    regionCode: '330902',
    sector: 'coal_mining',
    industryCode: null,
    employeeCount: 259,
  },
  contact: { name: null, phone: null },
  coverage: {
    start: '2023-04-01',
    end: '2025-04-28',
    insuredHeadcount: 259,
    perPersonLimitFen: 80000000,
    totalLimitFen: null,
  },
  premium: {
    amountFen: 21404700,
    adjustmentPct: 30,
    factors: { standardization: 'level3', safetyCulture: 'none', advancedUnit: 'city', priorYearAccident: 'general' },
  },
  preventionFeeFen: 1070235,
  cancelledOn: null,
};
