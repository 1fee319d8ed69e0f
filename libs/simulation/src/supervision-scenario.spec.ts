import { builtInRulePackBySpec, SUPERVISION_RULE_IDS } from '@ajx/authz';
import { buildCanonicalEvent, validateCanonicalRecord, type CanonicalEvent } from '@ajx/contracts';
import { normalizeFile } from '@ajx/domain';
import { parseRegisterLine } from '@ajx/interchange-store';
import {
  readRegisterEntry,
  readSupervisionEvent,
  supervise,
  supervisionParameters,
  type Finding,
} from '@ajx/supervision';
import fc from 'fast-check';
import { scenarioFiles } from './scenario-files';
import {
  plantedAfter,
  scenarioExtraTick,
  scenarioRecords,
  supervisionScenario,
  type PlantedViolation,
  type ScenarioRecord,
  type SupervisionScenario,
} from './supervision-scenario';

jest.setTimeout(120_000);

const params = supervisionParameters(builtInRulePackBySpec('jining@1'));
const TODAY = '2025-06-15';

/** The records as the live service reads them: canonical CloudEvents with the hub's acceptance time. */
const inputs = (records: readonly ScenarioRecord[], acceptedAt?: (r: ScenarioRecord) => string) =>
  records.map((r) =>
    readSupervisionEvent({
      ...buildCanonicalEvent(r.record.insurer, r.kind, r.record as never, r.time),
      ajxacceptedat: acceptedAt ? acceptedAt(r) : r.acceptedAt,
    }),
  );
const findingsOf = (
  s: SupervisionScenario,
  records: readonly ScenarioRecord[],
  acceptedAt?: (r: ScenarioRecord) => string,
) => supervise(params, inputs(records, acceptedAt), s.register.map(readRegisterEntry), s.today).findings;
const keys = (xs: readonly (Finding | PlantedViolation)[]) => xs.map((f) => `${f.rule} ${f.key}`).sort();
const countBy = (xs: readonly string[]) =>
  xs.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
const upTo = (s: SupervisionScenario, tick: number | null) => [
  ...s.history,
  ...s.ticks.slice(0, (tick ?? -1) + 1).flat(),
];

/** After the history, after every tick: the rules find exactly what is planted then. */
function expectExactlyPlanted(s: SupervisionScenario, ticks: readonly (number | null)[]): void {
  for (const tick of ticks)
    expect({ tick, findings: keys(findingsOf(s, upTo(s, tick))) }).toEqual({
      tick,
      findings: keys(plantedAfter(s, tick)),
    });
}

describe('the supervision scenario', () => {
  const s = supervisionScenario({ seed: 'demo', today: TODAY });
  const all = scenarioRecords(s);

  it('plants every violation the rules find and nothing else fires: after the history and after every tick', () => {
    expectExactlyPlanted(s, [null, ...s.ticks.keys()]);
  });

  it('plants on 16 enterprises per county exactly the findings its parts give (counted by hand)', () => {
    // From the parts of PROFILE_SHARES on 192 enterprises of 济宁 and 208 of 杭州 (share × count, rounded, ≥ 1):
    const final = {
      UNINSURED: 6 + 6, // registered, never insured (the one of each city insuring today resolves)
      LAPSED: 5 + 5, // ended 8–60 days ago without renewal (the one of each city re-insuring today resolves)
      SURRENDERED: 2 + 3,
      RENEWAL_DUE: 5 + 5, // ending within 3–25 days (the two of each city renewed today resolve)
      PARTIAL_HEADCOUNT: 2 + 2 + 2 + 1 + (3 + 2 + 1), // short, register larger, reduced, reduced today
      HEADCOUNT_REDUCED: 2 + 1, // 济宁 only
      RENEWAL_INSURER_CHANGED: 2 + 1, // 济宁 only; 杭州's four insurer changes find nothing
      OUT_OF_TERRITORY: 3 + 1, // one of them new business today
      RATE_MISMATCH: 2 + 1, // plus the −35/−40 with factors that give −30
      RATE_BELOW_FLOOR: 1 + 1, // 杭州's two at −35 find nothing
      RATE_UNVERIFIABLE: 3 + 1, // plus the −40 without factors
      FEE_UNDER_ACCRUED: 3,
      SERVICE_MISSING: 3,
      ACCIDENT_FACTOR_UNDERSTATED: 2,
      HAZARD_OVERDUE: 3 + 3, // the one of each city rectified today resolves
      HAZARD_REPORTED_LATE: 2 + 2,
      ACCIDENT_REPORTED_LATE: 2 + 1 + (2 + 1), // one of each city happened this morning
      GRADE_MISMATCH: 1 + 1,
      CLAIM_DECISION_LATE: 2 + 2,
      CLAIM_PAYMENT_LATE: 2 + 2, // one of each city paid (late) today
    };
    const findings = findingsOf(s, all);
    expect(countBy(findings.map((f) => f.rule))).toEqual(final);
    expect(countBy(plantedAfter(s, s.ticks.length).map((p) => p.rule))).toEqual(final);
    // Resolved today: UNINSURED, LAPSED, HAZARD_OVERDUE one per city; RENEWAL_DUE two per city.
    expect(countBy(s.planted.filter((p) => p.until !== null).map((p) => p.rule))).toEqual({
      UNINSURED: 2,
      LAPSED: 2,
      RENEWAL_DUE: 4,
      HAZARD_OVERDUE: 2,
    });
    // Every rule of the pack is planted.
    expect(Object.keys(final).sort()).toEqual([...SUPERVISION_RULE_IDS].sort());
  });

  it('keeps exactly its plants whatever the seed, the day (leap days, year ends) and the size', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.integer({ min: dayOf('2023-01-01'), max: dayOf('2030-12-31') }),
        fc.integer({ min: 8, max: 12 }),
        fc.constantFrom<('3708' | '3301')[]>(['3708', '3301'], ['3708'], ['3301']),
        (seed, day, perCounty, regions) => {
          const t = supervisionScenario({
            seed,
            today: dateOf(day),
            enterprisesPerCounty: perCounty,
            regions,
            ticks: 6,
          });
          expectExactlyPlanted(t, [null, 2, 5]);
        },
      ),
      { numRuns: 8 },
    );
    for (const today of ['2024-02-29', '2024-03-01', '2025-02-28', '2024-12-31', '2025-01-01'])
      expectExactlyPlanted(supervisionScenario({ seed: today, today, enterprisesPerCounty: 8, ticks: 4 }), [null, 3]);
  });

  it('finds the same when the hub accepts the history when the demo starts and each tick as it comes (today)', () => {
    // A live hub stamps its own acceptance time: the history at the start (any time today), the ticks later today.
    for (const start of ['00:00:01', '09:00:00', '23:50:00']) {
      const startMs = Date.parse(`${TODAY}T${start}+08:00`);
      const accepted = (r: ScenarioRecord) =>
        new Date(r.tick === null ? startMs : Math.max(startMs, Date.parse(r.acceptedAt))).toISOString();
      expect(keys(findingsOf(s, all, accepted))).toEqual(keys(plantedAfter(s, s.ticks.length)));
    }
  });

  it('is the same for the same seed, and for another day the same shifted', () => {
    expect(JSON.stringify(supervisionScenario({ seed: 'demo', today: TODAY }))).toBe(JSON.stringify(s));
    const other = supervisionScenario({ seed: 'demo', today: '2026-11-02' });
    const delta = dayOf('2026-11-02') - dayOf(TODAY);
    expect(other.enterprises).toEqual(s.enterprises);
    expect(other.register).toEqual(s.register);
    expect(other.planted.map(({ rule, key, from, until }) => ({ rule, key, from, until }))).toEqual(
      s.planted.map(({ rule, key, from, until }) => ({ rule, key, from, until })),
    );
    // The same versions (the history's order may differ where two times are a day apart or less).
    const byVersion = (r: ScenarioRecord) => `${r.kind} ${r.record.insurer}/${idOf(r)} ${r.record.version}`;
    const sorted = (rs: readonly ScenarioRecord[]) =>
      [...rs].sort((a, b) => (byVersion(a) < byVersion(b) ? -1 : byVersion(a) > byVersion(b) ? 1 : 0));
    const mine = sorted(all);
    const shifted = sorted(scenarioRecords(other));
    expect(shifted.map(shape)).toEqual(mine.map(shape));
    // Every date and time moves by the days between the two todays; a policy year keeps its calendar length, so
    // what is counted from a coverage date may move by one day more or less.
    const offsets: number[] = [];
    for (let i = 0; i < mine.length; i++)
      for (const [path, a, b] of datesOf(mine[i].record, shifted[i].record)) {
        const d = dayOf(b) - dayOf(a) - delta;
        offsets.push(d);
        if (Math.abs(d) > 1) throw new Error(`${mine[i].kind} ${path}: ${a} → ${b}`);
      }
    expect(offsets.filter((d) => d === 0).length / offsets.length).toBeGreaterThan(0.9);
    expect(keys(findingsOf(other, scenarioRecords(other)))).toEqual(keys(plantedAfter(s, s.ticks.length)));
  });

  it('is a realistic register and delivery: coverage 85–95 %, most 济宁 policies in territory, the four insurers', () => {
    const { figures } = supervise(params, inputs(all), s.register.map(readRegisterEntry), s.today);
    for (const city of ['3708', '3301']) {
      const rows = figures.coverage.filter((r) => r.county.startsWith(city));
      const sum = (k: 'registered' | 'insured' | 'riskDeposit') => rows.reduce((n, r) => n + r[k], 0);
      const rate = (sum('insured') + sum('riskDeposit')) / sum('registered');
      expect([city, rate >= 0.85 && rate <= 0.95]).toEqual([city, true]);
      expect(sum('riskDeposit')).toBeGreaterThanOrEqual(2);
    }
    const policies = new Map(
      all
        .filter((r) => r.kind === 'policy')
        .map((r) => [r.record.insurer + (r.record as { policyNo: string }).policyNo, r]),
    );
    const jining = [...policies.values()].filter((r) => r.record.enterprise.regionCode.startsWith('3708'));
    const outside = findingsOf(s, all).filter((f) => f.rule === 'OUT_OF_TERRITORY').length;
    expect(outside / jining.length).toBeLessThan(0.02);
    expect(new Set(all.map((r) => r.record.insurer))).toEqual(new Set(['PICC', 'PINGAN', 'CPIC', 'DADI']));
    expect(new Set(all.map((r) => r.kind))).toEqual(new Set(['policy', 'service', 'hazard', 'accident', 'claim']));
    const actions = countBy(all.map((r) => `${r.kind}.${(r.record as { action: string }).action}`));
    for (const a of [
      'policy.renewed',
      'policy.endorsed',
      'policy.cancelled',
      'service.amended',
      'service.revoked',
      'hazard.rectified',
      'claim.paid',
    ])
      expect([a, actions[a] > 0]).toEqual([a, true]);
    // Most enterprises keep every rule (two thirds or more), and none plays two parts.
    const clean = s.enterprises.filter((e) => e.profile === 'clean').length;
    expect(clean / s.enterprises.length).toBeGreaterThan(0.6);
    expect(s.enterprises.length).toBe(12 * 16 + 13 * 16);
  });

  it('holds valid canonical records, each record’s versions in order, the history before today and the ticks today', () => {
    const last = new Map<string, number>();
    const midnight = Date.parse(`${TODAY}T00:00:00+08:00`);
    for (const r of all) {
      expect(validateCanonicalRecord(r.kind, r.record)).toEqual([]);
      const subject = buildCanonicalEvent(r.record.insurer, r.kind, r.record as never, r.time).subject;
      const id = `${r.kind} ${r.record.insurer}/${subject}`;
      const first = r.kind === 'policy' ? 0 : 1;
      expect([id, r.record.version]).toEqual([id, (last.get(id) ?? first - 1) + 1]);
      last.set(id, r.record.version);
      const at = Date.parse(r.time);
      expect([id, r.tick === null ? at < midnight : at >= midnight && at < midnight + 86_400_000]).toEqual([id, true]);
      expect(Date.parse(r.acceptedAt)).toBe(at);
    }
    for (const line of s.register)
      expect(parseRegisterLine(JSON.stringify(line), { regionPrefix: '', sectors: null, label: 'all' })).toMatchObject({
        ok: true,
      });
  });

  it('renders each delivery in the insurers’ native formats, which normalise back to exactly its records', async () => {
    for (const [label, records] of [
      ['history', s.history],
      ['tick-0', s.ticks[0]],
      ['tick-7', s.ticks[7]],
    ] as const) {
      const files = scenarioFiles(records, { seed: 'demo', label, noise: 0.1 });
      expect(files.reduce((n, f) => n + f.records.length, 0)).toBe(records.length);
      for (const f of files) {
        const events: CanonicalEvent[] = [];
        const rejects: unknown[] = [];
        await normalizeFile(f.insurer, () => f.file.chunks(), {
          onEvent: (e) => void events.push(e),
          onReject: (r) => void rejects.push(r),
        });
        expect(rejects).toEqual([]);
        expect(events).toEqual(f.records.map((r) => buildCanonicalEvent(f.insurer, r.kind, r.record as never, r.time)));
      }
    }
    const picc = scenarioFiles(s.history, { seed: 'demo', label: 'history' }).filter((f) => f.insurer === 'PICC');
    expect(picc.map((f) => f.kind)).toEqual(['policy', 'service', 'hazard', 'accident', 'claim']);
    const again = scenarioFiles(s.ticks[3], { seed: 'demo', label: 'tick-3', noise: 0.1 });
    const once = scenarioFiles(s.ticks[3], { seed: 'demo', label: 'tick-3', noise: 0.1 });
    for (let i = 0; i < once.length; i++)
      expect((await again[i].file.bytes()).equals(await once[i].file.bytes())).toBe(true);
  });

  it('runs on after the planned ticks: extra ticks of new business, every fourth breaking a rule it plants', () => {
    const extras = Array.from({ length: 16 }, (_, n) => scenarioExtraTick(s, n));
    expect(extras.map((x) => x.tick)).toEqual(extras.map((_, n) => s.ticks.length + n));
    expect(extras.map((x) => x.planted.length > 0)).toEqual(extras.map((_, n) => n % 4 === 3));
    const records = [...all, ...extras.flatMap((x) => x.records)];
    expect(keys(findingsOf(s, records))).toEqual(
      keys([...plantedAfter(s, s.ticks.length), ...extras.flatMap((x) => x.planted)]),
    );
    expect(JSON.stringify(scenarioExtraTick(s, 5))).toBe(JSON.stringify(extras[5]));
    const ids = new Set(scenarioRecords(s).map((r) => JSON.stringify([r.kind, r.record.insurer, idOf(r)])));
    for (const r of extras.flatMap((x) => x.records))
      expect(ids.has(JSON.stringify([r.kind, r.record.insurer, idOf(r)]))).toBe(false);
  });

  it('refuses options it cannot honour', () => {
    expect(() => supervisionScenario({ seed: 1, today: '2025-02-30' })).toThrow('today must be a date');
    expect(() => supervisionScenario({ seed: 1, today: TODAY, enterprisesPerCounty: 3 })).toThrow('≥ 8');
    expect(() => supervisionScenario({ seed: 1, today: TODAY, regions: ['3302' as never] })).toThrow('3302');
    expect(() => supervisionScenario({ seed: 1, today: TODAY, ticks: 61 })).toThrow('ticks must be an integer 1–60');
    expect(() => scenarioExtraTick(s, -1)).toThrow('extra tick');
  });
});

function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}
function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
function idOf(r: ScenarioRecord): string {
  return buildCanonicalEvent(r.record.insurer, r.kind, r.record as never, r.time).subject;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+08:00)?$/;
/** A record without its dates and times (and without what depends on a coverage year's length: nothing else). */
function shape(r: ScenarioRecord): unknown {
  return JSON.parse(JSON.stringify({ kind: r.kind, tick: r.tick, record: r.record }), (_k, v: unknown) =>
    typeof v === 'string' && DATE.test(v) ? 'DATE' : v,
  );
}
/** Pairs of the same date or time in two records of the same shape. */
function datesOf(a: unknown, b: unknown, path = ''): [string, string, string][] {
  if (typeof a === 'string' && DATE.test(a)) return [[path, a.slice(0, 10), (b as string).slice(0, 10)]];
  if (a && typeof a === 'object')
    return Object.keys(a).flatMap((k) =>
      datesOf((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  return [];
}
