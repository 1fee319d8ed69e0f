import { builtInRulePackBySpec, type Department, EntitlementIndex } from '@ajx/authz';
import type { ProjectionJob } from '@ajx/dept-store';
import type { DepartmentDirectory } from './department-directory.service';
import { ReprojectionService } from './reprojection.service';

/*
 * A job whose department the router's directory does not know is finished with nothing projected (the department
 * was disabled or is invalid). Two ways a valid department looked unknown, each leaving it without its history for
 * good: Nest runs a module's bootstrap hooks together, so the worker leased a job before the directory had read the
 * departments (a chaos run's router restart); and with two routers, one leased a job the other had just queued,
 * before its own directory's next read.
 */
const pack = builtInRulePackBySpec('default@2');
const department: Department = {
  id: 'jn-emergency',
  name: '济宁市应急管理局',
  kind: 'emergency',
  level: 'city',
  regionCode: '370800',
};

function fixture(o: { loaded: boolean; known: Department[]; lastJobId: string; afterRefresh?: Department[] }) {
  const queued: ProjectionJob[] = [{ id: '7', departmentId: department.id, reason: 'new department', cursor: null }];
  const jobs = {
    lease: jest.fn(() => Promise.resolve(queued.shift() ?? null)),
    finish: jest.fn(() => Promise.resolve()),
    retryLater: jest.fn(() => Promise.resolve()),
    progress: jest.fn(() => Promise.resolve()),
    extendLease: jest.fn(() => Promise.resolve()),
    openJobIds: jest.fn(() => Promise.resolve(['7'])),
  };
  // Nothing routed, nothing stored: the job's pages are empty.
  const writer = {
    transactionsInProgress: () => Promise.resolve([]),
    transactionsEnded: () => Promise.resolve(true),
    routedPage: () => Promise.resolve([]),
  };
  const canonical = {
    storedEventIds: () => Promise.resolve(new Set<string>()),
    latestRecords: jest.fn(() => Promise.resolve({ records: [], next: null })),
  };
  const findings = { currentPage: jest.fn(() => Promise.resolve([])) };
  const directory = {
    loaded: o.loaded,
    index: new EntitlementIndex(pack, o.known),
    generation: { lastJobId: o.lastJobId, departmentIds: o.known.map((d) => d.id) },
    refresh: jest.fn(() => {
      directory.index = new EntitlementIndex(pack, o.afterRefresh ?? o.known);
      directory.generation = { lastJobId: '7', departmentIds: (o.afterRefresh ?? o.known).map((d) => d.id) };
      return Promise.resolve();
    }),
  };
  const service = new ReprojectionService(
    jobs as never,
    canonical as never,
    writer as never,
    directory as unknown as DepartmentDirectory,
    findings as never,
  );
  return { jobs, canonical, directory, service };
}

describe('a re-projection job and the department directory', () => {
  it('leases no job before the departments were read', async () => {
    const { jobs, service } = fixture({ loaded: false, known: [], lastJobId: '0' });
    await service.drain();
    expect(jobs.lease).not.toHaveBeenCalled();
    expect(jobs.finish).not.toHaveBeenCalled();
  });

  it('reads the directory again for a job queued after it was read, and projects the department it finds', async () => {
    const { jobs, canonical, directory, service } = fixture({
      loaded: true,
      known: [],
      lastJobId: '6',
      afterRefresh: [department],
    });
    await service.drain();
    expect(directory.refresh).toHaveBeenCalledTimes(1);
    expect(canonical.latestRecords).toHaveBeenCalledWith(
      expect.objectContaining({ regionPrefix: '3708' }),
      null,
      expect.any(Number),
    );
    expect(jobs.finish).toHaveBeenCalledWith('7');
  });

  it('finishes with nothing projected the job of a department the directory read since does not have', async () => {
    const { jobs, canonical, directory, service } = fixture({ loaded: true, known: [], lastJobId: '7' });
    await service.drain();
    expect(directory.refresh).not.toHaveBeenCalled();
    expect(canonical.latestRecords).not.toHaveBeenCalled();
    expect(jobs.finish).toHaveBeenCalledWith('7');
  });
});
