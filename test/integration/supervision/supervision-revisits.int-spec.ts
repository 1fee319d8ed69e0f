/* The daily run evaluates only the enterprises whose revisit day has come (ADR 0013), on PostgreSQL: after it, a run
 * of every enterprise on the same day finds nothing to change; versions stored by something that did not evaluate them (a supervisor of the previous
 * release) leave marks that the next run evaluates; the supervisor's own batches leave none. */
import { dayNumber, isoDateOf, type SupervisionInput } from '@ajx/supervision';
import {
  type SupervisionRunsRepository,
  type SupervisionVersionsRepository,
  storedVersionOf,
} from '@ajx/supervision-store';
import { createTestDatabase, testDataSource } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import type { EnterpriseEvaluationService } from '../../../apps/supervisor/src/evaluation/enterprise-evaluation.service';
import type { FullEvaluationService } from '../../../apps/supervisor/src/evaluation/full-evaluation.service';
import { standaloneEvaluation } from '../../../apps/supervisor/src/evaluation/standalone-evaluation';
import type { SupervisionClock } from '../../../apps/supervisor/src/supervision-clock';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { claim, hazard, input, policy, service } from '../../../libs/supervision/src/testing/supervision.fixture';

const START = '2024-06-30';
const plus = (date: string, n: number) => isoDateOf(dayNumber(date) + n);
const usccOf = (i: number) => `9137081${i % 3}MA3C${String(i).padStart(6, '0')}`;

/** A small, reproducible deployment: policies starting, ending, renewed or cancelled around START, hazards, claims. */
function deployment(enterprises: number): SupervisionInput[] {
  let seed = 7;
  const r = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (n: number) => Math.floor(r() * n);
  const inputs: SupervisionInput[] = [];
  for (let i = 0; i < enterprises; i++) {
    const enterprise = { uscc: usccOf(i), regionCode: `37081${i % 3}`, sector: 'non_coal_mining' as const };
    let start = plus(START, pick(500) - 420);
    for (let n = 0; n < 1 + pick(3); n++) {
      const end = plus(start, 180 + pick(200));
      inputs.push(
        input(
          policy({
            policyNo: `PICCAZ${String(i).padStart(6, '0')}${n}`,
            enterprise: { ...enterprise, employeeCount: 50 },
            coverage: { start, end, insuredHeadcount: 40 + pick(11) },
            cancelledOn: pick(10) === 0 ? plus(start, 30 + pick(200)) : null,
          }),
        ),
      );
      start = plus(end, pick(4) === 0 ? 1 + pick(60) : 1);
    }
    if (pick(3) === 0)
      inputs.push(
        input(
          service({
            serviceId: `PICCFW${String(i).padStart(6, '0')}`,
            enterprise,
            endedAt: `${plus(START, pick(120) - 60)}T16:00:00+08:00`,
          }),
        ),
      );
    if (pick(3) === 0)
      inputs.push(
        input(
          hazard({
            hazardId: `PICCYH${String(i).padStart(6, '0')}`,
            enterprise,
            rectifyBy: plus(START, pick(60) - 20),
            status: pick(4) === 0 ? 'rectified' : 'open',
          }),
        ),
      );
    if (pick(4) === 0)
      inputs.push(
        input(
          claim({
            claimNo: `PICCPA${String(i).padStart(6, '0')}`,
            enterprise,
            documentsCompleteAt: `${plus(START, -pick(40))}T09:00:00+08:00`,
          }),
        ),
      );
  }
  return inputs;
}

describe('supervision: the daily run evaluates the enterprises whose day has come', () => {
  let db: DataSource;
  let evaluation: EnterpriseEvaluationService;
  let full: FullEvaluationService;
  let versions: SupervisionVersionsRepository;
  let runs: SupervisionRunsRepository;
  let today = START;

  beforeAll(async () => {
    db = await testDataSource(await createTestDatabase());
    const config = Object.assign(new SupervisorConfig(), { AJX_RULE_PACK: 'jining@1', AJX_SUPERVISION_CHUNK: 50 });
    ({ versions, runs, evaluation, full } = standaloneEvaluation(db, config, {
      today: () => today,
    } as SupervisionClock));
  });
  afterAll(() => db?.destroy());

  const lastRun = async () =>
    (
      await db.query<{ scope: string; enterprises: number }[]>(
        `SELECT scope, enterprises FROM supervision_runs ORDER BY run_id DESC LIMIT 1`,
      )
    )[0];
  const figureRows = async () =>
    JSON.stringify(await db.query(`SELECT uscc, member, key, vals FROM supervision_figures ORDER BY 1, 2, 3`));
  const marks = async () =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM supervision_revisit_marks`))[0].n;

  it('after each daily run, evaluating every enterprise on the same day changes nothing', async () => {
    const inputs = deployment(300);
    // Stored as the consumer stores them, each batch evaluated on START.
    for (let i = 0; i < inputs.length; i += 100)
      await evaluation.receive(inputs.slice(i, i + 100).map(storedVersionOf), START, 'test');
    expect(await marks()).toBe(0);
    await full.run('start', 'test');
    expect((await lastRun()).scope).toBe('all');

    for (const step of [1, 1, 6, 23, 60, 200]) {
      today = plus(today, step);
      const due = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM supervision_revisits WHERE revisit_on <= $1`,
        [today],
      );
      const daily = await full.run('daily', 'test');
      const run = await lastRun();
      expect({ today, scope: run.scope, enterprises: daily.enterprises }).toEqual({
        today,
        scope: 'due',
        enterprises: due[0].n,
      });
      expect(daily.enterprises).toBeLessThan(300);
      // the others are not written: the finished run counts as having found their open findings so today
      expect((await runs.lastCompleted())?.asOf).toBe(today);
      const before = await figureRows();
      const everything = await full.run('operator', 'test');
      expect({ today, ...everything }).toEqual({ today, enterprises: 300, opened: 0, updated: 0, resolved: 0 });
      expect(await figureRows()).toBe(before);
    }
  });

  it('a version stored without an evaluation leaves a mark that the next daily run evaluates; batches leave none', async () => {
    today = plus(today, 1);
    await full.run('daily', 'test');
    const uscc = usccOf(1000);
    const lapsing = policy({
      policyNo: 'PICCAZ9999990001',
      enterprise: { uscc, regionCode: '370811', employeeCount: 50 },
      coverage: { start: plus(today, -200), end: plus(today, 10), insuredHeadcount: 50 },
    });
    // What a supervisor of the previous release does: store (and evaluate without revisits).
    await versions.insertNew(db, [storedVersionOf(input(lapsing))]);
    expect(await marks()).toBe(1);
    today = plus(today, 1);
    await full.run('daily', 'test');
    expect(await lastRun()).toMatchObject({ scope: 'due' });
    const [found] = await db.query<{ rule: string }[]>(
      `SELECT rule FROM supervision_findings WHERE uscc = $1 AND rule = 'RENEWAL_DUE' AND state = 'open'`,
      [uscc],
    );
    expect(found).toEqual({ rule: 'RENEWAL_DUE' });
    expect(await marks()).toBe(0);
    const [revisit] = await db.query<{ on: string }[]>(
      `SELECT revisit_on::text AS on FROM supervision_revisits WHERE uscc = $1`,
      [uscc],
    );
    expect(revisit).toEqual({ on: plus(today, 1) });

    // The previous release moves that policy to another enterprise: both are marked (the one it left lapses).
    const elsewhere = usccOf(1002);
    await versions.insertNew(db, [
      storedVersionOf(input({ ...lapsing, version: 2, enterprise: { ...lapsing.enterprise, uscc: elsewhere } })),
    ]);
    const marked = await db.query<{ uscc: string }[]>(
      `SELECT DISTINCT uscc FROM supervision_revisit_marks ORDER BY uscc`,
    );
    expect(marked.map((m) => m.uscc)).toEqual([uscc, elsewhere].sort());
    today = plus(today, 1);
    await full.run('daily', 'test');
    const moved = await db.query<{ uscc: string; rule: string }[]>(
      `SELECT uscc, rule FROM supervision_findings
        WHERE uscc = ANY ($1) AND rule IN ('RENEWAL_DUE', 'UNINSURED') AND state = 'open' ORDER BY uscc`,
      [[uscc, elsewhere]],
    );
    expect(moved).toEqual([{ uscc: elsewhere, rule: 'RENEWAL_DUE' }]);
    expect(await marks()).toBe(0);

    // The supervisor's own batch writes the revisit day itself.
    const other = usccOf(1001);
    const renewalLater = policy({
      policyNo: 'PICCAZ9999990002',
      enterprise: { uscc: other, regionCode: '370811', employeeCount: 50 },
      coverage: { start: plus(today, -10), end: plus(today, 300), insuredHeadcount: 50 },
    });
    await evaluation.receive([storedVersionOf(input(renewalLater))], today, 'test');
    expect(await marks()).toBe(0);
    const [own] = await db.query<{ on: string }[]>(
      `SELECT revisit_on::text AS on FROM supervision_revisits WHERE uscc = $1`,
      [other],
    );
    expect(own).toEqual({ on: plus(today, 300 - 30) });
  });
});
