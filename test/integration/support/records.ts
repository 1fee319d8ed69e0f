import {
  type AccidentRecord,
  buildCanonicalEvent,
  type CanonicalEvent,
  type ClaimRecord,
  type HazardRecord,
  type PolicyRecord,
  type RecordKind,
  type Sector,
  type ServiceRecord,
  toKafkaBinary,
  Topics,
  CanonicalHeaders,
} from '@ajx/contracts';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import type { EventProducer } from '@ajx/messaging';
import { contentHash } from '@ajx/normalization';
import type { DataSource } from 'typeorm';

/** A canonical record of each kind for an enterprise in `region`/`sector`, with every personal and commercial field set. */
export function recordFor(
  kind: RecordKind,
  subject: string,
  region: string,
  sector: Sector,
  version = kind === 'policy' ? 0 : 1,
  level: 'general' | 'major' = 'general',
) {
  const enterprise = { uscc: '91330106MA2B0X2K4A', name: `测试企业${subject}`, regionCode: region, sector };
  if (kind === 'policy') {
    const r: PolicyRecord = {
      policyNo: subject,
      insurer: 'PICC',
      action: version === 0 ? 'issued' : 'endorsed',
      version,
      enterprise: { ...enterprise, industryCode: null, employeeCount: 120 },
      contact: { name: '张三丰', phone: '13812345678' },
      coverage: {
        start: '2026-01-01',
        end: '2026-12-31',
        insuredHeadcount: 120,
        perPersonLimitFen: 100000000,
        totalLimitFen: null,
      },
      premium: {
        amountFen: 1234500,
        adjustmentPct: -10,
        factors: { standardization: 'level2', safetyCulture: 'none', advancedUnit: 'none', priorYearAccident: 'none' },
      },
      preventionFeeFen: 61725,
      cancelledOn: null,
    };
    return r;
  }
  if (kind === 'service') {
    const r: ServiceRecord = {
      serviceId: subject,
      insurer: 'PICC',
      action: version === 1 ? 'recorded' : 'amended',
      version,
      policyNo: null,
      enterprise,
      item: 'training',
      form: 'onsite',
      provider: { kind: 'insurer', name: '中国人民财产保险股份有限公司', uscc: null },
      staff: [{ name: '李四', certificateNo: 'AQ12345678' }],
      startedAt: '2026-03-01T09:00:00+08:00',
      endedAt: '2026-03-01T12:00:00+08:00',
      location: null,
      summary: '安全培训',
      hazardsFound: 0,
      costFen: 50000,
      revisit: null,
    };
    return r;
  }
  if (kind === 'accident') return accidentRecord(subject, region, sector, { version });
  if (kind === 'claim') return claimRecord(subject, region, sector, { version });
  const r: HazardRecord = {
    hazardId: subject,
    insurer: 'PICC',
    action: version === 1 ? 'reported' : 'updated',
    version,
    serviceId: null,
    policyNo: null,
    enterprise,
    level,
    category: '电气',
    description: '配电箱未接地',
    discoveredAt: '2026-03-01T10:00:00+08:00',
    rectifyBy: '2026-03-15',
    status: 'open',
    rectifiedAt: null,
  };
  return r;
}

/** An accident with every commercial field set (directLossFen); by default general, nobody killed, open. */
export function accidentRecord(
  subject: string,
  region: string,
  sector: Sector,
  o: Partial<Pick<AccidentRecord, 'version' | 'deaths' | 'grade' | 'status' | 'occurredAt'>> = {},
): AccidentRecord {
  const version = o.version ?? 1;
  const status = o.status ?? 'open';
  return {
    accidentId: subject,
    insurer: 'PICC',
    action: status === 'closed' ? 'closed' : version === 1 ? 'reported' : 'updated',
    version,
    policyNo: null,
    enterprise: { uscc: '91330106MA2B0X2K4A', name: `测试企业${subject}`, regionCode: region, sector },
    occurredAt: o.occurredAt ?? '2026-03-01T09:30:00+08:00',
    location: '一号车间',
    category: 'machinery',
    grade: o.grade ?? 'general',
    deaths: o.deaths ?? 0,
    seriousInjuries: 1,
    minorInjuries: 2,
    directLossFen: 35000000,
    description: '设备检修时机械伤害',
    status,
    reportedToAuthorityAt: '2026-03-01T10:00:00+08:00',
  };
}

/** A claim with its amounts (commercial) set; by default filed. */
export function claimRecord(
  subject: string,
  region: string,
  sector: Sector,
  o: Partial<Pick<ClaimRecord, 'version' | 'action' | 'filedAt'>> = {},
): ClaimRecord {
  const action = o.action ?? 'filed';
  const decided = action !== 'filed' && action !== 'withdrawn';
  return {
    claimNo: subject,
    insurer: 'PICC',
    action,
    version: o.version ?? 1,
    policyNo: 'PICCAZ2026000001',
    accidentId: null,
    enterprise: { uscc: '91330106MA2B0X2K4A', name: `测试企业${subject}`, regionCode: region, sector },
    filedAt: o.filedAt ?? '2026-03-02T09:00:00+08:00',
    documentsCompleteAt: decided ? '2026-03-05T09:00:00+08:00' : null,
    decidedAt: decided ? '2026-03-10T09:00:00+08:00' : null,
    decision: action === 'rejected' ? 'reject' : decided ? 'accept' : null,
    agreedAt: action === 'agreed' || action === 'paid' ? '2026-03-12T09:00:00+08:00' : null,
    paidAt: action === 'paid' ? '2026-03-15T09:00:00+08:00' : null,
    claimedFen: 48000000,
    agreedFen: action === 'agreed' || action === 'paid' ? 45000000 : null,
    paidFen: action === 'paid' ? 45000000 : null,
    victims: 3,
  };
}

export function eventFor(
  kind: RecordKind,
  subject: string,
  region: string,
  sector: Sector,
  version?: number,
  level?: 'general' | 'major',
): CanonicalEvent {
  return buildCanonicalEvent(
    'PICC',
    kind,
    recordFor(kind, subject, region, sector, version, level) as never,
    '2026-03-02T08:00:00+08:00',
  );
}

export async function publishCanonical(
  producer: EventProducer,
  events: CanonicalEvent[],
  opts: { correction?: boolean } = {},
): Promise<void> {
  await producer.send([
    {
      topic: Topics.canonical,
      messages: events.map((e) => {
        const m = toKafkaBinary(e);
        return {
          key: m.key,
          value: m.value,
          headers: {
            ...m.headers,
            [CanonicalHeaders.acceptedAt]: new Date().toISOString(),
            ...(opts.correction ? { [CanonicalHeaders.correction]: 'true' } : {}),
          },
        };
      }),
    },
  ]);
}

/** Writes events to the canonical store as the normaliser would (for tests that feed the router directly). */
export async function storeCanonical(db: DataSource, events: CanonicalEvent[]): Promise<void> {
  await new CanonicalStoreRepository(db).write({
    inserts: events.map((e) => ({
      eventId: e.id,
      insurer: e.insurer,
      kind: e.dataschema.split(':')[2] as RecordKind,
      subject: e.subject,
      version: e.sourceversion,
      type: e.type,
      uscc: e.uscc,
      region: e.region,
      sector: e.sector,
      businessTime: e.time,
      data: e.data,
      contentHash: contentHash(e),
      acceptedAt: new Date(),
      batchId: null,
      recordIndex: null,
    })),
    corrections: [],
    outcomes: [],
    dlq: [],
    resolved: [],
  });
}

/**
 * One PINGAN hazard line (NDJSON) of the Ningbo chemical plant: odd `n` uses the level code "SEVERE", which the
 * mapping does not know (INVALID_ENUM), even `n` is valid.
 */
export function pinganHazardLine(prefix: string, n: number): string {
  return JSON.stringify({
    recordType: 'HAZARD',
    dangerNo: `${prefix}-${n}`,
    seq: 1,
    insured: {
      creditCode: '91330203126771476E',
      name: '宁波北仑化工股份有限公司',
      areaCode: '330203',
      industryCode: 'C2614',
    },
    grade: n % 2 ? 'SEVERE' : 'GENERAL',
    category: null,
    desc: '配电箱未接地',
    foundTime: 1721782800000,
    deadline: null,
    state: 'OPEN',
    doneTime: null,
    bizTime: 1721782800000 + n,
  });
}

const epochMs = (iso: string) => Date.parse(iso);

/** A PINGAN native (v2) accident line: `recordType: ACCIDENT` in 济宁 任城区. */
export function pinganAccidentLine(
  id: string,
  uscc: string,
  o: { occurred: string; reported: string | null; grade: string; deaths: number },
) {
  return JSON.stringify({
    recordType: 'ACCIDENT',
    accidentNo: id,
    seq: 1,
    state: 'OPEN',
    policyNo: null,
    insured: { creditCode: uscc, name: '济宁事故测试企业', areaCode: '370811', industryCode: 'C2614' },
    occurTime: epochMs(o.occurred),
    place: null,
    accidentType: 11,
    grade: o.grade,
    deathCount: o.deaths,
    seriousInjuryCount: 0,
    minorInjuryCount: 1,
    directLossFen: 5_000_000,
    desc: '储罐检修时发生闪爆',
    reportTime: o.reported === null ? null : epochMs(o.reported),
    bizTime: epochMs(o.occurred) + 3_600_000,
  });
}

/** A PINGAN native (v2) claim line, agreed on 06-10 and paid at `payTime` (or not yet). */
export function pinganClaimLine(
  no: string,
  uscc: string,
  seq: number,
  state: 'AGREED' | 'PAID',
  payTime: string | null,
) {
  return JSON.stringify({
    recordType: 'CLAIM',
    claimNo: no,
    seq,
    state,
    policyNo: 'PAAZ2025V2SUP01',
    accidentNo: null,
    insured: { creditCode: uscc, name: '济宁理赔测试企业', areaCode: '370811', industryCode: 'C2614' },
    reportTime: epochMs('2026-05-01T09:00:00+08:00'),
    docsCompleteTime: epochMs('2026-05-05T09:00:00+08:00'),
    decideTime: epochMs('2026-05-20T09:00:00+08:00'),
    decision: 'ACCEPT',
    agreeTime: epochMs('2026-06-10T09:00:00+08:00'),
    payTime: payTime === null ? null : epochMs(payTime),
    claimFen: 800_000,
    agreedFen: 600_000,
    paidFen: state === 'PAID' ? 600_000 : null,
    victimCount: 1,
    bizTime: payTime === null ? epochMs('2026-06-10T09:00:00+08:00') : epochMs(payTime),
  });
}

const beijingMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

/** A PINGAN native policy line (new business) of an enterprise named `${namePrefix}<last 3 of the policy number>`. */
export function pinganPolicyLine(
  namePrefix: string,
  policyNo: string,
  uscc: string,
  area: string,
  insured: number,
  start: string,
  end: string,
) {
  return JSON.stringify({
    recordType: 'POLICY',
    bizType: 'NEW',
    seq: 0,
    policyNo,
    insured: {
      creditCode: uscc,
      name: `${namePrefix}${policyNo.slice(-3)}`,
      areaCode: area,
      industryCode: 'C2614',
      staffCount: 52,
      contactName: '李四',
      contactMobile: '13900000000',
    },
    insuredCount: insured,
    startDate: beijingMidnight(start),
    endDate: beijingMidnight(end),
    premiumFen: 1_200_000,
    limitPerPersonFen: 50_000_000,
    limitTotalFen: 1_000_000_000,
    rateFactors: { stdLevel: 1, cultureLevel: 'NATIONAL', advanced: 'PROVINCE', lastYearAccident: 'NONE' },
    rateAdjustPct: -30,
    preventionFeeFen: 10_000,
    surrenderDate: null,
    bizTime: beijingMidnight(start) - 5 * 86_400_000,
  });
}
