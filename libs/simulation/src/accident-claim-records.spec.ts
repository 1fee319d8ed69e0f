import {
  ACCIDENT_CATEGORIES,
  ACCIDENT_GRADES,
  CLAIM_ACTIONS,
  RECORD_KINDS,
  validateCanonicalRecord,
  type AccidentRecord,
  type ClaimRecord,
} from '@ajx/contracts';
import { requiredGrade } from './accident-claim-records';
import { ALL_SECTORS, canonicalRecords, type SimulatedRecord } from './canonical-records';
import { Random } from './random';

const PROFILE = { sectors: ALL_SECTORS, industryCode: false, staffCertificates: true };

function take(n: number, options: Parameters<typeof canonicalRecords>[1], seed = 'v2'): SimulatedRecord[] {
  const out: SimulatedRecord[] = [];
  for (const r of canonicalRecords(new Random(seed), options)) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

describe('accidents and claims of the generator (data standard v2)', () => {
  const records = take(4000, { insurer: 'PICC', profile: PROFILE, kinds: ['accident', 'claim'] });
  const accidents = records.flatMap((r) => (r.kind === 'accident' ? [r.record] : []));
  const claims = records.flatMap((r) => (r.kind === 'claim' ? [r.record] : []));

  it('are valid canonical records, versions of one subject counting from 1 in order', () => {
    expect(accidents.length).toBeGreaterThan(1000);
    expect(claims.length).toBeGreaterThan(1000);
    const last = new Map<string, number>();
    for (const r of records) {
      expect(validateCanonicalRecord(r.kind, r.record)).toEqual([]);
      const subject = r.kind === 'accident' ? r.record.accidentId : (r.record as ClaimRecord).claimNo;
      expect(r.record.version).toBe((last.get(`${r.kind}:${subject}`) ?? 0) + 1);
      last.set(`${r.kind}:${subject}`, r.record.version);
    }
  });

  it('cover every claim status, accident action, category and grade', () => {
    expect(new Set(claims.map((c) => c.action))).toEqual(new Set(CLAIM_ACTIONS));
    expect(new Set(accidents.map((a) => a.action))).toEqual(new Set(['reported', 'updated', 'closed']));
    expect(new Set(accidents.map((a) => a.category))).toEqual(new Set(ACCIDENT_CATEGORIES));
    expect(new Set(accidents.map((a) => a.grade))).toEqual(new Set(ACCIDENT_GRADES));
    expect(new Set(claims.map((c) => c.decision))).toEqual(new Set(['accept', 'reject', null]));
  });

  it('hold urgent accidents (a death, or larger and above), mostly graded as the regulation requires', () => {
    const urgent = accidents.filter((a) => a.deaths > 0 || a.grade !== 'general');
    expect(urgent.length / accidents.length).toBeGreaterThan(0.2);
    expect(urgent.length / accidents.length).toBeLessThan(0.6);
    const asRequired = accidents.filter((a) => a.grade === requiredGrade(a.deaths, a.seriousInjuries, a.directLossFen));
    expect(asRequired.length / accidents.length).toBeGreaterThan(0.85);
    // The rest understate by one grade (a supervision finding), never overstate.
    for (const a of accidents) {
      const gap =
        ACCIDENT_GRADES.indexOf(requiredGrade(a.deaths, a.seriousInjuries, a.directLossFen)) -
        ACCIDENT_GRADES.indexOf(a.grade);
      expect([0, 1]).toContain(gap);
    }
  });

  it('keep the order of real claims: nothing before the filing, paid claims paid with an amount', () => {
    for (const a of accidents)
      if (a.reportedToAuthorityAt !== null) expect(a.reportedToAuthorityAt >= a.occurredAt).toBe(true);
    for (const c of claims) {
      for (const at of [c.documentsCompleteAt, c.decidedAt, c.agreedAt, c.paidAt])
        if (at !== null) expect(at >= c.filedAt).toBe(true);
      if (c.action === 'paid') expect([c.paidAt !== null, c.paidFen !== null]).toEqual([true, true]);
      if (c.action === 'rejected') expect([c.decidedAt !== null, c.decision]).toEqual([true, 'reject']);
    }
    // Some late: reported more than an hour after, decided after 30 days, paid after 10 (supervision findings).
    const hour = 3600000;
    const day = 24 * hour;
    const late = (from: string | null, to: string | null, limit: number) =>
      from !== null && to !== null && Date.parse(to) - Date.parse(from) > limit;
    expect(accidents.some((a) => late(a.occurredAt, a.reportedToAuthorityAt, hour))).toBe(true);
    expect(accidents.some((a) => a.reportedToAuthorityAt === null)).toBe(true);
    expect(claims.some((c) => late(c.documentsCompleteAt, c.decidedAt, 30 * day))).toBe(true);
    expect(claims.some((c) => late(c.agreedAt, c.paidAt, 10 * day))).toBe(true);
  });

  it('refer to their enterprise, policy and accident', () => {
    const accidentIds = new Set(accidents.map((a) => a.accidentId));
    for (const c of claims) if (c.accidentId !== null) expect(accidentIds.has(c.accidentId)).toBe(true);
    expect(claims.some((c) => c.accidentId === null)).toBe(true);
    expect(accidents.some((a: AccidentRecord) => a.policyNo === null)).toBe(true);
  });

  it('are opt-in: asking for them leaves the v1 records of the same seed exactly as they were', () => {
    const v1 = take(3000, { insurer: 'DADI', profile: PROFILE }, 'same');
    const all = take(6000, { insurer: 'DADI', profile: PROFILE, kinds: RECORD_KINDS }, 'same');
    const v1OfAll = all.filter((r) => r.kind === 'policy' || r.kind === 'service' || r.kind === 'hazard');
    expect(v1OfAll.length).toBeGreaterThan(v1.length);
    expect(JSON.stringify(v1OfAll.slice(0, v1.length))).toBe(JSON.stringify(v1));
  });
});
