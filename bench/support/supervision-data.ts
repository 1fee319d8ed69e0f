/**
 * A deterministic deployment for `bench:supervise`: enterprises of 济宁 and 浙江 with a must-insure register,
 * chains of yearly policies (renewals, some by another insurer, endorsements, surrenders, partial headcounts, odd
 * rates and missing fees), prevention services, hazards with the hub's acceptance time, a few accidents and claims —
 * as canonical CloudEvents with their full data, the way `ajx normalize` writes them.
 */

const JINING = [
  '370811',
  '370812',
  '370881',
  '370831',
  '370883',
  '370829',
  '370830',
  '370826',
  '370827',
  '370871',
  '370832',
  '370828',
];
const JINING_INSURERS: Record<string, string[]> = {
  '370811': ['DADI', 'PICC'],
  '370826': ['PICC'],
  '370827': ['PICC'],
  '370871': ['PICC'],
};
const ZHEJIANG = [
  '330102',
  '330105',
  '330106',
  '330108',
  '330109',
  '330110',
  '330182',
  '330205',
  '330206',
  '330211',
  '330225',
  '330902',
];
const SECTORS = [
  'coal_mining',
  'non_coal_mining',
  'hazardous_chemicals',
  'fireworks',
  'civil_explosives',
  'metal_smelting',
  'construction',
  'road_transport',
  'water_transport',
  'city_gas',
  'power',
  'building_materials',
  'machinery',
  'dust_explosion',
];
const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];
const PREFIX: Record<string, string> = { PICC: 'PICC', PINGAN: 'PA', CPIC: 'CPIC', DADI: 'DD' };
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DAY = 86_400_000;
const BASE = Date.UTC(2022, 0, 1) / DAY; // day number of 2022-01-01

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const isoDate = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** `YYYY-MM-DDTHH:mm:00+08:00` of a Beijing day number and a time of day (minutes may run into the next hours). */
export const beijing = (day: number, hour: number, minute = 0) => {
  const m = hour * 60 + minute;
  const d = day + Math.floor(m / 1440);
  const t = m % 1440;
  return `${isoDate(d)}T${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}:00+08:00`;
};

export interface BenchEvent {
  specversion: '1.0';
  type: string;
  subject: string;
  time: string;
  dataschema: string;
  ajxacceptedat?: string;
  data: Record<string, unknown> & { version: number; insurer: string; action: string };
}

export interface BenchRegisterEntry {
  uscc: string;
  name: string;
  regionCode: string;
  sector: string;
  industryCode: null;
  employeeCount: number | null;
  address: null;
  note: null;
  alternative?: 'risk_deposit';
}

function uscc(i: number, county: string): string {
  let tail = '';
  let n = i * 7919 + 17;
  for (let k = 0; k < 10; k++) {
    tail = ALPHABET[n % ALPHABET.length] + tail;
    n = Math.floor(n / ALPHABET.length);
  }
  return `91${county}${tail}`;
}

function event(kind: string, subject: string, data: BenchEvent['data'], time: string, acceptedAt?: string): BenchEvent {
  return {
    specversion: '1.0',
    type: `ajx.${kind}.${data.action}`,
    subject,
    time,
    dataschema: `urn:ajx:${kind}:v1`,
    ...(acceptedAt ? { ajxacceptedat: acceptedAt } : {}),
    data,
  };
}

/** The events and register entry of enterprise `i` (deterministic). */
export function enterpriseData(i: number): { events: BenchEvent[]; register: BenchRegisterEntry | null } {
  const r = rng(i * 2654435761);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const jining = r() < 0.4;
  const county = jining ? pick(JINING) : pick(ZHEJIANG);
  const sector = pick(SECTORS);
  const id = uscc(i, county);
  const enterprise = { uscc: id, name: `企业${i}`, regionCode: county, sector };
  const employees = 5 + Math.floor(r() * 600);
  const events: BenchEvent[] = [];
  const registered = r() < 0.85;
  const register: BenchRegisterEntry | null = registered
    ? {
        ...enterprise,
        industryCode: null,
        employeeCount: r() < 0.5 ? employees + (r() < 0.2 ? Math.floor(r() * 30) : 0) : null,
        address: null,
        note: null,
        ...(r() < 0.03 ? { alternative: 'risk_deposit' as const } : {}),
      }
    : null;

  const insured = r() < 0.92;
  let insurer = jining ? pick(JINING_INSURERS[county] ?? ['DADI']) : pick(INSURERS);
  let start = BASE + 180 + Math.floor(r() * 365);
  const years = insured ? 1 + Math.floor(r() * 3) : 0;
  for (let y = 0; y < years; y++) {
    if (y > 0 && r() < 0.1) insurer = pick(INSURERS); // renewal by another insurer
    const end = start + 364;
    const policyNo = `${PREFIX[insurer]}AZ${String(i).padStart(7, '0')}${y}`;
    const amountFen = 200_000 + Math.floor(r() * 5_000_000);
    const factorsKnown = r() < 0.85;
    const factors = factorsKnown
      ? {
          standardization: pick(['none', 'level3', 'level2', 'level1']),
          safetyCulture: pick(['none', 'none', 'city', 'province']),
          advancedUnit: pick(['none', 'none', 'city']),
          priorYearAccident: pick(['none', 'none', 'none', 'general']),
        }
      : { standardization: null, safetyCulture: null, advancedUnit: null, priorYearAccident: null };
    const terms: Record<string, number> = {
      none: 0,
      level3: -5,
      level2: -10,
      level1: -15,
      city: -5,
      province: -10,
      general: 10,
    };
    let pct = factorsKnown
      ? Math.max(
          -30,
          terms[factors.standardization!] +
            terms[factors.safetyCulture!] +
            terms[factors.advancedUnit!] +
            (factors.priorYearAccident === 'none' ? -10 : 10),
        )
      : -10;
    if (r() < 0.08) pct -= 5;
    const headcount = r() < 0.1 ? Math.floor(employees * 0.8) : employees;
    const data = {
      policyNo,
      insurer,
      action: y === 0 ? 'issued' : 'renewed',
      version: 1,
      enterprise: { ...enterprise, industryCode: null, employeeCount: employees },
      contact: { name: '王明', phone: '13800000000' },
      coverage: {
        start: isoDate(start),
        end: isoDate(end),
        insuredHeadcount: headcount,
        perPersonLimitFen: 80_000_000,
        totalLimitFen: null,
      },
      premium: { amountFen, adjustmentPct: pct, factors },
      preventionFeeFen: r() < 0.05 ? null : Math.floor((amountFen * 500 + 5000) / 10000),
      cancelledOn: null as string | null,
    };
    events.push(event('policy', policyNo, data, beijing(start - 5, 10)));
    if (r() < 0.3) {
      const cancelled = r() < 0.1;
      events.push(
        event(
          'policy',
          policyNo,
          {
            ...data,
            action: cancelled ? 'cancelled' : 'endorsed',
            version: 2,
            coverage: { ...data.coverage, insuredHeadcount: Math.max(0, headcount - Math.floor(r() * 10)) },
            cancelledOn: cancelled ? isoDate(start + 100 + Math.floor(r() * 200)) : null,
          },
          beijing(start + 60, 10),
        ),
      );
    }
    for (const item of ['training', 'risk_assessment', 'hazard_inspection']) {
      if (r() < 0.25) continue;
      const day = start + Math.floor(r() * 360);
      const serviceId = `${PREFIX[insurer]}FW${String(i).padStart(7, '0')}${y}${item[0]}`;
      const service = {
        serviceId,
        insurer,
        action: 'recorded',
        version: 1,
        policyNo,
        enterprise,
        item,
        form: 'onsite',
        provider: { kind: 'insurer', name: insurer, uscc: null },
        staff: [{ name: '陈秀英', certificateNo: null }],
        startedAt: beijing(day, 9),
        endedAt: beijing(day, 16),
        location: null,
        summary: null,
        hazardsFound: 0,
        costFen: r() < 0.2 ? null : 100_000 + Math.floor(r() * 900_000),
        revisit: null,
      };
      events.push(event('service', serviceId, service, beijing(day, 18)));
      if (r() < 0.1)
        events.push(
          event(
            'service',
            serviceId,
            { ...service, action: r() < 0.3 ? 'revoked' : 'amended', version: 2 },
            beijing(day + 3, 9),
          ),
        );
    }
    start = end + 1 + (r() < 0.1 ? 30 : 0);
  }

  if (r() < 0.3) {
    const count = 1 + Math.floor(r() * 2);
    for (let h = 0; h < count; h++) {
      const day = BASE + 365 + Math.floor(r() * 540);
      const hazardId = `${PREFIX[insurer]}YH${String(i).padStart(7, '0')}${h}`;
      const discovered = Date.UTC(2022, 0, 1) + (day - BASE) * DAY + 2 * 3_600_000; // 10:00 Beijing
      const hazard = {
        hazardId,
        insurer,
        action: 'reported',
        version: 1,
        serviceId: null,
        policyNo: null,
        enterprise,
        level: r() < 0.1 ? 'major' : 'general',
        category: null,
        description: '消防通道堵塞',
        discoveredAt: beijing(day, 10),
        rectifyBy: isoDate(day + 30),
        status: 'open',
        rectifiedAt: null,
      };
      const accepted = new Date(discovered + Math.floor(r() * 40) * 3_600_000).toISOString();
      events.push(event('hazard', hazardId, hazard, beijing(day, 10), accepted));
      if (r() < 0.4)
        events.push(
          event(
            'hazard',
            hazardId,
            { ...hazard, action: 'rectified', version: 2, status: 'rectified', rectifiedAt: beijing(day + 20, 10) },
            beijing(day + 20, 10),
            new Date(discovered + 20 * DAY).toISOString(),
          ),
        );
    }
  }

  if (r() < 0.03) {
    const day = BASE + 200 + Math.floor(r() * 700);
    const accidentId = `${PREFIX[insurer]}SG${String(i).padStart(7, '0')}`;
    const deaths = r() < 0.2 ? 1 + Math.floor(r() * 4) : 0;
    events.push(
      event(
        'accident',
        accidentId,
        {
          accidentId,
          insurer,
          action: 'reported',
          version: 1,
          policyNo: null,
          enterprise,
          occurredAt: beijing(day, 8),
          location: null,
          category: 'machinery',
          grade: 'general',
          deaths,
          seriousInjuries: Math.floor(r() * 3),
          minorInjuries: Math.floor(r() * 5),
          directLossFen: r() < 0.3 ? null : Math.floor(r() * 500_000_000),
          description: '机械伤害',
          status: 'open',
          reportedToAuthorityAt: r() < 0.1 ? null : beijing(day, 8, Math.floor(r() * 90)),
        },
        beijing(day, 12),
      ),
    );
    if (r() < 0.7) {
      const claimNo = `${PREFIX[insurer]}PA${String(i).padStart(7, '0')}`;
      const docs = day + 5 + Math.floor(r() * 20);
      const agreed = docs + 10 + Math.floor(r() * 30);
      const paid = r() < 0.8;
      events.push(
        event(
          'claim',
          claimNo,
          {
            claimNo,
            insurer,
            action: paid ? 'paid' : 'agreed',
            version: paid ? 3 : 2,
            policyNo: 'unknown',
            accidentId,
            enterprise,
            filedAt: beijing(day + 2, 9),
            documentsCompleteAt: beijing(docs, 9),
            decidedAt: beijing(agreed - 2, 9),
            decision: 'accept',
            agreedAt: beijing(agreed, 9),
            paidAt: paid ? beijing(agreed + Math.floor(r() * 15), 9) : null,
            claimedFen: 5_000_000,
            agreedFen: 4_000_000,
            paidFen: paid ? 4_000_000 : null,
            victims: 1,
          },
          beijing(agreed, 9),
        ),
      );
    }
  }
  return { events, register };
}
