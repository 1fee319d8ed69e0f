import type { AuditLog } from '@ajx/audit';
import type { ProjectionJobsRepository } from '@ajx/dept-store';
import type { IdentityRepository } from '@ajx/identity';
import { DepartmentDirectory } from './department-directory.service';
import { RouterConfig } from './router.config';

/*
 * The directory's hand-over state (issue 21, item 1): the newest projection job is read before the departments, so
 * every department queued up to it is in the index; a department whose job could not be queued is queued by the
 * next refresh.
 */
describe('DepartmentDirectory', () => {
  const department = {
    id: 'dd-330102-emergency',
    name: '上城区应急管理局',
    disabledAt: null,
    department: { kind: 'emergency', level: 'county', regionCode: '330102' },
  };
  const setup = () => {
    const calls: string[] = [];
    let failEnqueue = 1;
    const jobs = {
      lastJobId: () => {
        calls.push('lastJobId');
        return Promise.resolve('7');
      },
      enqueueForNewDepartments: (ids: string[]) => {
        calls.push(`enqueue ${ids.join(',')}`);
        if (failEnqueue-- > 0) return Promise.reject(new Error('connection terminated'));
        return Promise.resolve(ids.length);
      },
    } as unknown as ProjectionJobsRepository;
    const identity = {
      listPrincipals: () => {
        calls.push('listPrincipals');
        return Promise.resolve([department]);
      },
    } as unknown as IdentityRepository;
    const config = Object.assign(new RouterConfig(), { AJX_RULE_PACK: 'default@2' });
    const directory = new DepartmentDirectory(identity, jobs, config, {} as AuditLog);
    return { directory, calls };
  };

  it('reads the newest job before the departments and knows them as of it', async () => {
    const { directory, calls } = setup();
    await expect(directory.refresh()).rejects.toThrow('connection terminated');
    expect(calls.slice(0, 2)).toEqual(['lastJobId', 'listPrincipals']);
    expect(directory.generation).toEqual({ lastJobId: '7', departmentIds: [department.id] });
  });

  it('queues a department again on the next refresh when queueing it failed', async () => {
    const { directory, calls } = setup();
    await expect(directory.refresh()).rejects.toThrow('connection terminated');
    await directory.refresh();
    expect(calls.filter((c) => c.startsWith('enqueue'))).toEqual([
      `enqueue ${department.id}`,
      `enqueue ${department.id}`,
    ]);
  });

  it('ends the timer refresh under way before the database pool may close, and starts none after', async () => {
    jest.useFakeTimers();
    try {
      const events: string[] = [];
      let release: () => void = () => undefined;
      let listed = 0;
      const jobs = {
        activeRulePack: () => Promise.resolve('default@2'),
        lastJobId: () => Promise.resolve('7'),
        enqueueForNewDepartments: (ids: string[]) => Promise.resolve(ids.length),
      } as unknown as ProjectionJobsRepository;
      const identity = {
        // The first (bootstrap) read answers at once; the timer's read waits until released.
        listPrincipals: () => {
          listed++;
          if (listed === 1) return Promise.resolve([department]);
          events.push('timer refresh started');
          return new Promise((resolve) => {
            release = () => {
              events.push('timer refresh ended');
              resolve([department]);
            };
          });
        },
      } as unknown as IdentityRepository;
      const config = Object.assign(new RouterConfig(), {
        AJX_RULE_PACK: 'default@2',
        AJX_ROUTER_DIRECTORY_REFRESH_MS: 1000,
      });
      const directory = new DepartmentDirectory(identity, jobs, config, {} as AuditLog);
      await directory.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(1000);
      expect(events).toEqual(['timer refresh started']);

      const shutdown = directory.beforeApplicationShutdown().then(() => events.push('shut down'));
      await Promise.resolve();
      expect(events).toEqual(['timer refresh started']);
      release();
      await shutdown;
      await jest.advanceTimersByTimeAsync(5000);
      expect(events).toEqual(['timer refresh started', 'timer refresh ended', 'shut down']);
      expect(listed).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
