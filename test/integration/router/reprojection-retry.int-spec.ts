import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { DeptProjectionWriter, ProjectionJobsRepository } from '@ajx/dept-store';
import { SupervisionFindingsRepository } from '@ajx/supervision-store';
import { waitFor } from '@ajx/testing';
import type { DepartmentDirectory } from '../../../apps/router/src/department-directory.service';
import { ReprojectionService, RETRY_MS } from '../../../apps/router/src/reprojection.service';
import { TestHub } from '../support/hub';

/*
 * Found by the demo: a department's history projection ran into a deadlock with live routing, and the job was marked
 * failed for good — the department never got its history. A failed run is now taken up again from its cursor.
 */
describe('re-projection after a failed run', () => {
  const hub = new TestHub('reproretry', { services: [] });

  beforeAll(() => hub.start());
  afterAll(() => hub.stop());

  it('takes the job up again after a transient error instead of giving it up', async () => {
    const jobs = new ProjectionJobsRepository(hub.db);
    let failures = 1;
    // The real store on the real database, failing once the way PostgreSQL reports a deadlock.
    const canonical = new (class extends CanonicalStoreRepository {
      override async latestRecords(...args: Parameters<CanonicalStoreRepository['latestRecords']>) {
        if (failures-- > 0) throw new Error('deadlock detected');
        return super.latestRecords(...args);
      }
    })(hub.db);
    // A full re-scope (no department) over an empty store does not consult the entitlement index.
    const directory = { index: {}, loaded: true } as unknown as DepartmentDirectory;
    const service = new ReprojectionService(
      jobs,
      canonical,
      new DeptProjectionWriter(hub.db),
      directory,
      new SupervisionFindingsRepository(hub.db),
    );
    await jobs.enqueueFullRescope('retry test');
    const state = async () =>
      (
        await hub.db.query<{ status: string; error: string | null }[]>(
          `SELECT status, error FROM projection_jobs WHERE reason = 'retry test'`,
        )
      )[0];

    await expect(service.drain()).rejects.toThrow('deadlock detected');
    expect(await state()).toEqual({ status: 'running', error: 'deadlock detected' });
    // Not before its retry time…
    await service.drain();
    expect((await state()).status).toBe('running');
    // …then done.
    const done = await waitFor(
      async () => {
        await service.drain();
        const s = await state();
        return s.status === 'done' ? s : undefined;
      },
      { what: 'the job taken up again and finished', timeoutMs: RETRY_MS + 10_000, intervalMs: 500 },
    );
    expect(done).toEqual({ status: 'done', error: null });
  });
});
