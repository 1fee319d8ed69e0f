import { builtInRulePackBySpec, type Department, EntitlementIndex } from '@ajx/authz';
import type { ProjectionJob } from '@ajx/dept-store';
import type { DepartmentDirectory } from './department-directory.service';
import { ReprojectionService } from './reprojection.service';

/*
 * Nest runs a module's bootstrap hooks together: the re-projection's worker starts draining while the department
 * directory is still reading the departments. A job leased then found its department missing from the empty index,
 * took it for one that no longer exists and was finished with nothing projected (the department lacked its history
 * for good; a chaos run's router restart).
 */
const pack = builtInRulePackBySpec('default@2');
const department: Department = {
  id: 'jn-finreg',
  name: '济宁市金融监管局',
  kind: 'financial_regulator',
  level: 'city',
  regionCode: '370800',
};

function fixture(loaded: boolean, departments: Department[]) {
  const queued: ProjectionJob[] = [{ id: '7', departmentId: department.id, reason: 'new department', cursor: null }];
  const jobs = {
    lease: jest.fn(() => Promise.resolve(queued.shift() ?? null)),
    finish: jest.fn(() => Promise.resolve()),
    retryLater: jest.fn(() => Promise.resolve()),
    progress: jest.fn(() => Promise.resolve()),
  };
  const directory = { loaded, index: new EntitlementIndex(pack, departments) } as unknown as DepartmentDirectory;
  const service = new ReprojectionService(jobs as never, {} as never, {} as never, directory, {} as never);
  return { jobs, service };
}

describe('the re-projection before and after the directory read the departments', () => {
  it('leases no job before the departments were read', async () => {
    const { jobs, service } = fixture(false, []);
    await service.drain();
    expect(jobs.lease).not.toHaveBeenCalled();
    expect(jobs.finish).not.toHaveBeenCalled();
  });

  it('finishes the job of a department the directory no longer has, once it read them', async () => {
    const { jobs, service } = fixture(true, []);
    await service.drain();
    expect(jobs.finish).toHaveBeenCalledWith('7');
  });
});
