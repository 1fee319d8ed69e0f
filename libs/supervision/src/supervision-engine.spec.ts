import { findingId } from './finding-id';
import { SupervisionEngine } from './supervision-engine';
import { SupervisionState } from './supervision-state';
import { OTHER_USCC, USCC, hazard, input, jining, policy, registered } from './testing/supervision.fixture';

describe('SupervisionState', () => {
  it('keeps the latest and the next lower version, counting a version received twice once', () => {
    const state = new SupervisionState();
    const v = (version: number, insuredHeadcount: number) => input(policy({ version, coverage: { insuredHeadcount } }));
    expect(state.apply(v(2, 20)).status).toBe('new');
    expect(state.apply(v(2, 99))).toEqual({ status: 'duplicate', touched: [] });
    expect(state.apply(v(0, 10)).status).toBe('older');
    expect(state.apply(v(1, 15)).status).toBe('older');
    const entry = state.enterprise(USCC)!.policy.get('PICC/PICCAZ2024000001')!;
    expect([entry.latest.coverage.insuredHeadcount, entry.previous?.coverage.insuredHeadcount]).toEqual([20, 15]);
    expect(state.apply(v(3, 30))).toEqual({ status: 'newer', touched: [USCC] });
    expect(entry.previous?.coverage.insuredHeadcount).toBe(20);
  });

  it('moves a record to the enterprise of its latest version, touching both', () => {
    const state = new SupervisionState();
    state.apply(input(policy()));
    expect(state.apply(input(policy({ version: 2, enterprise: { uscc: OTHER_USCC } })))).toEqual({
      status: 'newer',
      touched: [USCC, OTHER_USCC],
    });
    expect(state.enterprise(USCC)).toBeUndefined();
    expect(state.enterprise(OTHER_USCC)?.policy.size).toBe(1);
  });

  it('keeps the earliest acceptance over the versions (the first received of a repeated version)', () => {
    const state = new SupervisionState();
    state.apply(input(hazard({ version: 2 }), '2024-03-05T00:00:00Z'));
    state.apply(input(hazard({ version: 1 }), '2024-03-02T00:00:00Z'));
    state.apply(input(hazard({ version: 1 }), '2024-03-01T00:00:00Z')); // repeated version: ignored
    expect(state.enterprise(USCC)!.hazard.get('PICC/PICCYH2024000001')!.earliestAcceptance).toEqual({
      ms: Date.parse('2024-03-02T00:00:00Z'),
      at: '2024-03-02T00:00:00Z',
      version: 1,
    });
  });

  it('replaces the register, touching only the entries that changed', () => {
    const state = new SupervisionState();
    expect([...state.replaceRegister([registered(), registered({ uscc: OTHER_USCC })])]).toEqual([USCC, OTHER_USCC]);
    expect([...state.replaceRegister([registered(), registered({ uscc: OTHER_USCC, employeeCount: 3 })])]).toEqual([
      OTHER_USCC,
    ]);
    expect([...state.replaceRegister([registered({ uscc: OTHER_USCC, employeeCount: 3 })])]).toEqual([USCC]);
    expect(state.enterprise(USCC)).toBeUndefined();
  });
});

describe('SupervisionEngine', () => {
  it('re-evaluates the touched enterprises and reports opened, updated and resolved findings', () => {
    const engine = new SupervisionEngine(jining());
    engine.replaceRegister([registered({ employeeCount: 60 })]);
    expect(engine.evaluateAll('2024-06-30').opened.map((f) => f.rule)).toEqual(['UNINSURED']);

    const issued = engine.apply([input(policy({ coverage: { insuredHeadcount: 50 } }))]);
    const first = engine.reevaluate(issued);
    expect(first.opened.map((f) => [f.rule, f.facts])).toEqual([
      ['PARTIAL_HEADCOUNT', { insured: 50, employees: 60, missing: 10 }],
    ]);
    expect(first.resolved.map((f) => f.rule)).toEqual(['UNINSURED']);

    const endorsed = engine.apply([input(policy({ version: 2, coverage: { insuredHeadcount: 55 } }))]);
    const second = engine.reevaluate(endorsed);
    expect(second.updated.map((f) => [f.rule, f.facts])).toEqual([
      ['PARTIAL_HEADCOUNT', { insured: 55, employees: 60, missing: 5 }],
    ]);
    expect([second.opened, second.resolved]).toEqual([[], []]);
    expect(engine.figures().headcount).toEqual([
      { county: '370811', sector: 'non_coal_mining', policies: 1, insuredPersons: 55, employees: 60 },
    ]);
    expect(engine.findingsOf(USCC).map((f) => f.rule)).toEqual(['PARTIAL_HEADCOUNT']);
  });

  it('needs an asOf before re-evaluating or giving figures', () => {
    const engine = new SupervisionEngine(jining());
    expect(() => engine.reevaluate([USCC])).toThrow('reevaluate before evaluateAll');
    expect(() => engine.figures()).toThrow('figures before evaluateAll');
  });
});

describe('findingId', () => {
  it('is a stable UUIDv5 of (rule, key)', () => {
    const id = findingId('PARTIAL_HEADCOUNT', 'PICC/PICCAZ2023000001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(findingId('PARTIAL_HEADCOUNT', 'PICC/PICCAZ2023000001')).toBe(id);
    expect(findingId('HEADCOUNT_REDUCED', 'PICC/PICCAZ2023000001')).not.toBe(id);
  });
});
