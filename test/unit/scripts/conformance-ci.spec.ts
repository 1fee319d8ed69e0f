import { spawnSync } from 'node:child_process';
import path from 'node:path';

/*
 * Issue 21 (item 9): the test command must not pass without the shared data standard in CI. `scripts/conformance.sh`
 * skips with a message on a developer's machine without ../shared, and fails when CI=true.
 */
describe('scripts/conformance.sh without the shared standard', () => {
  const script = path.resolve(__dirname, '../../../scripts/conformance.sh');
  const run = (ci: string | undefined) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AJX_SHARED_DIR: '/nonexistent/ajx-shared' };
    delete env.CI;
    if (ci !== undefined) env.CI = ci;
    return spawnSync('bash', [script], { env, encoding: 'utf8', timeout: 30_000 });
  };

  it('fails in CI (CI=true), naming what is missing', () => {
    const r = run('true');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('conformance: FAILED — /nonexistent/ajx-shared/samples');
  });

  it('skips with a message elsewhere', () => {
    for (const ci of [undefined, 'false']) {
      const r = run(ci);
      expect({ ci, status: r.status }).toEqual({ ci, status: 0 });
      expect(r.stderr).toContain('conformance: SKIPPED');
    }
  });
});
