import fc from 'fast-check';
import { isoDateOf, dayNumber } from './calendar';
import { evaluateEnterprise } from './enterprise.evaluator';
import { SupervisionEngine, supervise } from './supervision-engine';
import { SupervisionState, subjectOf } from './supervision-state';
import {
  accident,
  claim,
  hazard,
  input,
  jining,
  policy,
  registered,
  service,
  zhejiang,
} from './testing/supervision.fixture';
import type { Finding, SupervisionInput } from './supervision.types';

/*
 * Properties of the engine over random small deployments: the result depends on the set of versions received, not
 * on their order, and re-evaluating only the enterprises each batch touched gives what a full evaluation gives.
 */

const USCCS = ['91370811MA3C000001', '91370812MA3C000002', '91330106MA3C000003'] as const;
const REGIONS: Record<string, string> = {
  [USCCS[0]]: '370811',
  [USCCS[1]]: '370812',
  [USCCS[2]]: '330106',
};
const INSURERS = ['PICC', 'DADI', 'CPIC'] as const;
const BASE = dayNumber('2023-01-01');
const date = (offset: number) => isoDateOf(BASE + offset);
const datetime = (offset: number, hour: number) => `${date(offset)}T${String(hour).padStart(2, '0')}:00:00+08:00`;

const enterprise = fc
  .record({
    uscc: fc.constantFrom(...USCCS),
    moved: fc.boolean(),
    sector: fc.constantFrom('machinery', 'fireworks', 'construction'),
  })
  .map(({ uscc, moved, sector }) => ({ uscc, regionCode: moved ? '370829' : REGIONS[uscc], sector: sector as never }));
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });

const policyInput = fc
  .record({
    no: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
    insurer: fc.constantFrom(...INSURERS),
    version: fc.integer({ min: 0, max: 3 }),
    enterprise,
    employees: fc.integer({ min: 0, max: 60 }),
    start: fc.integer({ min: 0, max: 800 }),
    length: fc.integer({ min: 20, max: 400 }),
    insured: fc.integer({ min: 0, max: 60 }),
    amountFen: fc.integer({ min: 0, max: 2_000_000 }),
    adjustmentPct: nullable(fc.constantFrom(-35, -30, -20, -10, 0, 10, 30)),
    standardization: nullable(fc.constantFrom('none', 'level3', 'level1')),
    priorYearAccident: nullable(fc.constantFrom('none', 'general', 'major')),
    fee: nullable(fc.integer({ min: 0, max: 120_000 })),
    cancel: nullable(fc.integer({ min: -3, max: 420 })),
  })
  .map((p) =>
    input(
      policy({
        policyNo: p.no,
        insurer: p.insurer,
        version: p.version,
        enterprise: { ...p.enterprise, employeeCount: p.employees },
        coverage: { start: date(p.start), end: date(p.start + p.length), insuredHeadcount: p.insured },
        premium: {
          amountFen: p.amountFen,
          adjustmentPct: p.adjustmentPct,
          factors: {
            standardization: p.standardization,
            safetyCulture: 'none',
            advancedUnit: 'none',
            priorYearAccident: p.priorYearAccident as never,
          },
        },
        preventionFeeFen: p.fee,
        cancelledOn: p.cancel === null ? null : date(p.start + p.cancel),
      }),
    ),
  );

/** Several versions of one policy, as endorsements: headcount and cancellation change, the rest stays. */
const policyVersions = fc
  .tuple(
    policyInput,
    fc.array(fc.record({ insured: fc.integer({ min: 0, max: 60 }), cancel: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([base, changes]) => [
    base,
    ...changes.map((c, i) => {
      const p = base.record as ReturnType<typeof policy>;
      return input({
        ...p,
        version: p.version + i + 1,
        coverage: { ...p.coverage, insuredHeadcount: c.insured },
        cancelledOn: c.cancel ? p.coverage.end : p.cancelledOn,
      });
    }),
  ]);

const serviceInput = fc
  .record({
    id: fc.constantFrom('S1', 'S2', 'S3', 'S4', 'S5'),
    insurer: fc.constantFrom(...INSURERS),
    version: fc.integer({ min: 1, max: 3 }),
    enterprise,
    item: fc.constantFrom('training', 'risk_assessment', 'emergency_drill'),
    ended: fc.integer({ min: 0, max: 900 }),
    revoked: fc.boolean(),
    cost: nullable(fc.integer({ min: 0, max: 50_000 })),
  })
  .map((s) =>
    input(
      service({
        serviceId: s.id,
        insurer: s.insurer,
        version: s.version,
        action: s.revoked ? 'revoked' : 'recorded',
        enterprise: s.enterprise,
        item: s.item as never,
        endedAt: datetime(s.ended, 20),
        costFen: s.cost,
      }),
    ),
  );

const hazardInput = fc
  .record({
    id: fc.constantFrom('H1', 'H2', 'H3'),
    version: fc.integer({ min: 1, max: 3 }),
    enterprise,
    major: fc.boolean(),
    discovered: fc.integer({ min: 0, max: 800 }),
    rectifyBy: nullable(fc.integer({ min: 0, max: 900 })),
    status: fc.constantFrom('open', 'rectifying', 'rectified'),
    acceptedHours: nullable(fc.integer({ min: 0, max: 60 })),
  })
  .map((h) =>
    input(
      hazard({
        hazardId: h.id,
        version: h.version,
        enterprise: h.enterprise,
        level: h.major ? 'major' : 'general',
        discoveredAt: datetime(h.discovered, 8),
        rectifyBy: h.rectifyBy === null ? null : date(h.rectifyBy),
        status: h.status as never,
      }),
      h.acceptedHours === null
        ? null
        : new Date(Date.parse(datetime(h.discovered, 8)) + h.acceptedHours * 3_600_000).toISOString(),
    ),
  );

const accidentInput = fc
  .record({
    id: fc.constantFrom('A1', 'A2', 'A3'),
    insurer: fc.constantFrom(...INSURERS),
    version: fc.integer({ min: 1, max: 2 }),
    enterprise,
    occurred: fc.integer({ min: 0, max: 800 }),
    grade: fc.constantFrom('general', 'larger', 'major'),
    deaths: fc.integer({ min: 0, max: 12 }),
    reportedHours: nullable(fc.integer({ min: 0, max: 3 })),
  })
  .map((a) =>
    input(
      accident({
        accidentId: a.id,
        insurer: a.insurer,
        version: a.version,
        enterprise: a.enterprise,
        occurredAt: datetime(a.occurred, 8),
        grade: a.grade as never,
        deaths: a.deaths,
        reportedToAuthorityAt: a.reportedHours === null ? null : datetime(a.occurred, 8 + a.reportedHours),
      }),
    ),
  );

const claimInput = fc
  .record({
    id: fc.constantFrom('C1', 'C2'),
    version: fc.integer({ min: 1, max: 3 }),
    enterprise,
    action: fc.constantFrom('filed', 'agreed', 'paid', 'rejected', 'withdrawn'),
    docs: nullable(fc.integer({ min: 0, max: 800 })),
    decidedAfter: nullable(fc.integer({ min: 0, max: 40 })),
    agreedAfter: nullable(fc.integer({ min: 0, max: 40 })),
    paidAfter: nullable(fc.integer({ min: 0, max: 20 })),
  })
  .map((c) => {
    const docs = c.docs ?? 0;
    const agreed = c.agreedAfter === null ? null : docs + c.agreedAfter;
    return input(
      claim({
        claimNo: c.id,
        version: c.version,
        enterprise: c.enterprise,
        action: c.action as never,
        documentsCompleteAt: c.docs === null ? null : datetime(docs, 9),
        decidedAt: c.decidedAfter === null ? null : datetime(docs + c.decidedAfter, 10),
        agreedAt: agreed === null ? null : datetime(agreed, 11),
        paidAt: agreed === null || c.paidAfter === null ? null : datetime(agreed + c.paidAfter, 12),
        paidFen: c.paidAfter === null ? null : 1000,
      }),
    );
  });

/** Distinct versions (a version received twice with other content would make the order matter, by design). */
const deployment = fc
  .record({
    inputs: fc
      .array(
        fc.oneof(
          policyInput.map((i) => [i]),
          policyVersions,
          serviceInput.map((i) => [i]),
          hazardInput.map((i) => [i]),
          accidentInput.map((i) => [i]),
          claimInput.map((i) => [i]),
        ),
        { maxLength: 30 },
      )
      .map((groups) => groups.flat()),
    register: fc.subarray([...USCCS]).chain((usccs) =>
      fc.tuple(
        ...usccs.map((uscc) =>
          fc
            .record({ employees: nullable(fc.integer({ min: 0, max: 80 })), deposit: fc.boolean() })
            .map(({ employees, deposit }) =>
              registered({
                uscc,
                regionCode: REGIONS[uscc],
                employeeCount: employees,
                alternative: deposit ? 'risk_deposit' : null,
              }),
            ),
        ),
      ),
    ),
    asOf: fc.integer({ min: 100, max: 900 }).map(date),
    jiningPack: fc.boolean(),
  })
  .map((d) => {
    const seen = new Set<string>();
    const inputs = d.inputs.filter((i) => {
      const id = `${i.kind}/${i.record.insurer}/${subjectOf(i)}/${i.record.version}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    return { ...d, inputs };
  });

const result = (r: { findings: Finding[]; figures: unknown }) => JSON.stringify(r);

describe('supervision properties', () => {
  it('findings and figures do not depend on the order of the events (exact repeats included)', () => {
    fc.assert(
      fc.property(deployment, fc.infiniteStream(fc.double({ noNaN: true })), fc.nat(), (d, keys, repeat) => {
        const params = d.jiningPack ? jining() : zhejiang();
        const expected = result(supervise(params, d.inputs, d.register, d.asOf));
        const k = keys.take(d.inputs.length + 1)[Symbol.iterator]();
        const shuffled = d.inputs.map((i) => ({ i, k: k.next().value as number })).sort((a, b) => a.k - b.k);
        const withRepeat: SupervisionInput[] = shuffled.map((s) => s.i);
        if (d.inputs.length > 0) withRepeat.push(d.inputs[repeat % d.inputs.length]);
        expect(result(supervise(params, withRepeat, [...d.register].reverse(), d.asOf))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('incremental re-evaluation of the touched enterprises equals a full evaluation, and the changes add up', () => {
    fc.assert(
      fc.property(deployment, fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }), (d, sizes) => {
        const params = d.jiningPack ? jining() : zhejiang();
        const engine = new SupervisionEngine(params);
        const open = new Map<string, Finding>();
        const track = (c: ReturnType<SupervisionEngine['reevaluate']>) => {
          for (const f of c.resolved) expect(open.delete(`${f.rule} ${f.key}`)).toBe(true);
          for (const f of c.opened) {
            expect(open.has(`${f.rule} ${f.key}`)).toBe(false);
            open.set(`${f.rule} ${f.key}`, f);
          }
          for (const f of c.updated) {
            expect(open.has(`${f.rule} ${f.key}`)).toBe(true);
            open.set(`${f.rule} ${f.key}`, f);
          }
        };
        track(engine.evaluateAll(d.asOf));
        let at = 0;
        let batch = 0;
        while (at < d.inputs.length) {
          const size = sizes[batch++ % sizes.length];
          const touched = engine.apply(d.inputs.slice(at, at + size));
          at += size;
          if (batch === 2) for (const u of engine.replaceRegister(d.register)) touched.add(u);
          track(engine.reevaluate(touched));
        }
        if (batch < 2) track(engine.reevaluate(engine.replaceRegister(d.register)));
        const full = supervise(params, d.inputs, d.register, d.asOf);
        expect(result({ findings: engine.findings(), figures: engine.figures() })).toBe(result(full));
        expect(JSON.stringify([...open.values()].sort((a, b) => (a.rule + a.key < b.rule + b.key ? -1 : 1)))).toBe(
          JSON.stringify([...full.findings].sort((a, b) => (a.rule + a.key < b.rule + b.key ? -1 : 1))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a full re-evaluation on another day equals a fresh evaluation of that day', () => {
    fc.assert(
      fc.property(deployment, fc.integer({ min: 100, max: 900 }).map(date), (d, nextDay) => {
        const params = d.jiningPack ? jining() : zhejiang();
        const engine = new SupervisionEngine(params);
        engine.apply(d.inputs);
        engine.replaceRegister(d.register);
        engine.evaluateAll(d.asOf);
        engine.evaluateAll(nextDay);
        expect(result({ findings: engine.findings(), figures: engine.figures() })).toBe(
          result(supervise(params, d.inputs, d.register, nextDay)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('an enterprise evaluates the same on every day before its revisitOn, whatever its register entry says', () => {
    fc.assert(
      fc.property(
        deployment,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (d, at) => {
          const params = d.jiningPack ? jining() : zhejiang();
          const state = new SupervisionState();
          for (const i of d.inputs) state.apply(i);
          const bare = new SupervisionState();
          for (const i of d.inputs) bare.apply(i);
          state.replaceRegister(d.register);
          const asOf = dayNumber(d.asOf);
          for (const uscc of state.usccs()) {
            const first = evaluateEnterprise(state.enterprise(uscc), d.asOf, params);
            const outcome = (e: typeof first) =>
              JSON.stringify([
                [...e.findings].sort((a, b) => (a.rule + a.key < b.rule + b.key ? -1 : 1)),
                [...e.contributions].sort((a, b) => (a.member + a.key < b.member + b.key ? -1 : 1)),
              ]);
            // the day to revisit comes from the records and the pack: a register change needs no other day
            expect(evaluateEnterprise(bare.enterprise(uscc), d.asOf, params).revisitOn).toBe(first.revisitOn);
            const until = first.revisitOn === null ? asOf + 1200 : dayNumber(first.revisitOn);
            expect(until).toBeGreaterThan(asOf);
            // the day before the revisit, and days in between
            const days = new Set([until - 1, ...at.map((x) => asOf + 1 + Math.floor(x * (until - asOf - 1)))]);
            for (const day of days) {
              if (day <= asOf || day >= until) continue;
              expect([
                isoDateOf(day),
                outcome(evaluateEnterprise(state.enterprise(uscc), isoDateOf(day), params)),
              ]).toEqual([isoDateOf(day), outcome(first)]);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
