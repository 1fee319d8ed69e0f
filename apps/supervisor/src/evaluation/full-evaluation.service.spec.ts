import { MetricsRegistry } from '@ajx/observability';
import type { RegisterRepository } from '@ajx/interchange-store';
import type {
  SupervisionFiguresRepository,
  SupervisionFindingsRepository,
  SupervisionRevisitsRepository,
  SupervisionRunsRepository,
  SupervisionVersionsRepository,
} from '@ajx/supervision-store';
import type { FindingsPublisher } from '../findings.publisher';
import type { SupervisionClock } from '../supervision-clock';
import { SupervisorConfig } from '../supervisor.config';
import { SupervisorMetrics } from '../supervisor.metrics';
import type { EnterpriseEvaluationService, EvaluationOutcome } from './enterprise-evaluation.service';
import { FullEvaluationService } from './full-evaluation.service';

const usccs = Array.from({ length: 95 }, (_, i) => `U${String(i).padStart(3, '0')}`);

function setUp(
  concurrency: number,
  evaluate: (chunk: readonly string[]) => Promise<EvaluationOutcome>,
  revisit: { due?: string[]; marked?: string[] } = {},
) {
  const config = Object.assign(new SupervisorConfig(), {
    AJX_SUPERVISION_CHUNK: 10,
    AJX_SUPERVISION_FULL_CONCURRENCY: concurrency,
  });
  const finished: unknown[] = [];
  const snapshots: string[] = [];
  /** What happened, in order: the repair of moved records must come before any chunk. */
  const steps: string[] = [];
  const started: string[] = [];
  const forgotten: string[][] = [];
  let today = '2026-12-07';
  let registerVersion = 3;
  const service = new FullEvaluationService(
    config,
    {
      evaluate: (chunk: readonly string[]) => (steps.push('chunk'), evaluate(chunk)),
    } as unknown as EnterpriseEvaluationService,
    {
      enterprises: () => Promise.resolve(usccs.slice(0, 60)),
      listMovedRecords: () => {
        steps.push('list moves');
        return Promise.resolve(0);
      },
      // U099 and U050 hold versions of one record (moved by an older release)
      movedEnterprises: () => Promise.resolve(['U050', 'U099']),
    } as unknown as SupervisionVersionsRepository,
    {
      enterprisesWithOpenFindings: () => Promise.resolve(['U090', 'U094']),
    } as unknown as SupervisionFindingsRepository,
    {
      latestVersion: () => Promise.resolve(registerVersion),
      currentUsccs: () => Promise.resolve(usccs.slice(40, 90)),
    } as unknown as RegisterRepository,
    {
      start: (_reason: string, scope: string) => (started.push(scope), Promise.resolve(1)),
      finish: (_id: number, o: unknown) => Promise.resolve(void finished.push(o)),
    } as unknown as SupervisionRunsRepository,
    {
      snapshotCoverage: (d: string) => Promise.resolve(void snapshots.push(d)),
    } as unknown as SupervisionFiguresRepository,
    {
      marks: () =>
        Promise.resolve({ markIds: (revisit.marked ?? []).map((_, i) => String(i + 1)), usccs: revisit.marked ?? [] }),
      dueBy: () => Promise.resolve(revisit.due ?? []),
      forgetMarks: (ids: string[]) => Promise.resolve(void forgotten.push(ids)),
    } as unknown as SupervisionRevisitsRepository,
    { today: () => today } as SupervisionClock,
    { kick: () => undefined } as unknown as FindingsPublisher,
    new SupervisorMetrics(new MetricsRegistry()),
  );
  const setToday = (d: string) => (today = d);
  const setRegister = (v: number) => (registerVersion = v);
  return { service, finished, snapshots, steps, started, forgotten, setToday, setRegister };
}

describe('FullEvaluationService', () => {
  it('evaluates every enterprise once, in chunks, never more chunks at once than configured', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { service, finished, snapshots, steps } = setUp(3, async (chunk) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(...chunk);
      inFlight--;
      return { enterprises: chunk.length, opened: 1, updated: 0, resolved: 0 };
    });
    const total = await service.run('daily', 'test');
    const expected = [...usccs.slice(0, 91), 'U094'];
    expect([...seen].sort()).toEqual(expected);
    expect(maxInFlight).toBe(3);
    expect(total).toEqual({ enterprises: expected.length, opened: 10, updated: 0, resolved: 0 });
    expect(finished).toEqual([total]);
    expect(snapshots).toEqual(['2026-12-07']);
    // Moves a supervisor of the previous release stored unlisted are listed first (docs/adr/0012).
    expect(steps[0]).toBe('list moves');
    expect(steps.filter((s) => s === 'list moves')).toHaveLength(1);
  });

  it('stops taking chunks after a failure, records the run as failed and takes no coverage snapshot', async () => {
    let calls = 0;
    const { service, finished, snapshots } = setUp(2, async (chunk) => {
      calls++;
      await new Promise((r) => setTimeout(r, 2));
      if (calls === 2) throw new Error('deadlock detected');
      return { enterprises: chunk.length, opened: 0, updated: 0, resolved: 0 };
    });
    await expect(service.run('daily', 'test')).rejects.toThrow('deadlock detected');
    expect(calls).toBeLessThanOrEqual(3);
    expect(finished).toEqual([{ error: 'deadlock detected' }]);
    expect(snapshots).toEqual([]);
  });

  it('evaluates every enterprise on its first run; the next daily runs only those due or marked (ADR 0013)', async () => {
    const seen: string[][] = [];
    const { service, steps, started, forgotten, setToday } = setUp(
      2,
      (chunk) => (
        seen.push([...chunk]),
        Promise.resolve({ enterprises: chunk.length, opened: 0, updated: 0, resolved: 0 })
      ),
      { due: ['U007', 'U003'], marked: ['U003', 'U099'] },
    );
    // The first run of a process evaluates everything, even a daily one: the revisit days are not its own yet.
    await service.run('daily', 'test');
    expect(started).toEqual(['all']);
    // every enterprise held, registered or with an open finding (92), and the marked ones (U099)
    expect(seen.flat()).toHaveLength(93);
    // the marked ones a moved record names first, in a chunk of their own; U003, marked too, with the rest
    expect(seen[0]).toEqual(['U099']);
    expect(seen.slice(1).flat()).toContain('U003');
    steps.length = 0;
    seen.length = 0;

    setToday('2026-12-08');
    const total = await service.run('daily', 'test');
    expect(started).toEqual(['all', 'due']);
    expect(seen.flat().sort()).toEqual(['U003', 'U007', 'U099']);
    expect(total.enterprises).toBe(3);
    // moves are listed first because marks came from an older release; the marked enterprises a moved record names
    // have a chunk of their own, before the others
    expect(steps).toEqual(['list moves', 'chunk', 'chunk']);
    expect(seen).toEqual([['U099'], ['U003', 'U007']]);
    expect(forgotten).toEqual([
      ['1', '2'],
      ['1', '2'],
    ]);

    // an operator's run and a clock set back evaluate everything again
    await service.run('operator', 'test');
    setToday('2026-12-01');
    await service.run('daily', 'test');
    expect(started).toEqual(['all', 'due', 'all', 'all']);
  });

  it('evaluates every enterprise when the register changed since, or after a run of every enterprise failed', async () => {
    let fail = false;
    const { service, started, setToday, setRegister } = setUp(1, (chunk) =>
      fail
        ? Promise.reject(new Error('connection lost'))
        : Promise.resolve({ enterprises: chunk.length, opened: 0, updated: 0, resolved: 0 }),
    );
    await service.run('start', 'test');
    setToday('2026-12-08');
    await service.run('daily', 'test');
    expect(started).toEqual(['all', 'due']);
    // a register version its watcher has not seen yet
    setRegister(4);
    setToday('2026-12-09');
    await service.run('daily', 'test');
    expect(started).toEqual(['all', 'due', 'all']);
    // an operator's run of every enterprise fails: the next daily run makes it up
    fail = true;
    await expect(service.run('operator', 'test')).rejects.toThrow('connection lost');
    fail = false;
    setToday('2026-12-10');
    await service.run('daily', 'test');
    setToday('2026-12-11');
    await service.run('daily', 'test');
    expect(started).toEqual(['all', 'due', 'all', 'all', 'all', 'due']);
  });
});
