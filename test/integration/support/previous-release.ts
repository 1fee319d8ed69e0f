import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type ChildService, spawnService } from '@ajx/testing';

const ROOT = path.resolve(__dirname, '../../..');

/** A release of the hub taken out of git and built: its own code, run as child processes. */
export interface BuiltRelease {
  ref: string;
  commit: string;
  /** The release's tree (its dist/ built); node_modules is a link to this checkout's. */
  root: string;
  /** Runs the release's `ajx` command with the given AJX_* environment. */
  cli(args: string[], env: Record<string, string>): { status: number; stdout: string; stderr: string };
  /** Starts one of the release's services (gateway, normalizer, router, …) with the given AJX_* environment. */
  spawn(app: string, env: Record<string, string>): ChildService;
}

function git(args: string[], maxBuffer = 1024 * 1024): Buffer {
  return execFileSync('git', args, { cwd: ROOT, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
}

type LockPackages = Record<string, { version?: string; link?: boolean }>;

/**
 * The release runs on this checkout's node_modules, so every package its lock file pins must be installed here at
 * the same version; the packages this checkout added since do not matter (the release never requires them).
 */
function checkDependencies(ref: string, commit: string): void {
  const lock = (text: string): LockPackages => (JSON.parse(text) as { packages: LockPackages }).packages;
  const theirs = lock(git(['show', `${commit}:package-lock.json`], 64 * 1024 * 1024).toString('utf8'));
  const ours = lock(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const differing = Object.entries(theirs)
    .filter(([name, p]) => name !== '' && !p.link && ours[name]?.version !== p.version)
    .map(
      ([name, p]) =>
        `${name.replace(/^node_modules\//, '')} ${String(p.version)} (here: ${ours[name]?.version ?? 'absent'})`,
    );
  if (differing.length > 0) {
    throw new Error(
      `the release ${ref} pins ${differing.length} package(s) at versions this checkout does not have, so it cannot ` +
        `be built on this node_modules: ${differing.slice(0, 10).join(', ')}${differing.length > 10 ? ', …' : ''}. ` +
        `Build it by hand (git worktree add, npm ci, npm run build) or pick a release with the same dependencies.`,
    );
  }
}

/**
 * Takes `ref` out of git into `dir` (git archive, no work tree of the repository is touched), links this checkout's
 * node_modules and builds it with the release's own `npm run build`. Throws a message that says which step failed.
 */
export function buildRelease(ref: string, dir: string): BuiltRelease {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`])
      .toString('utf8')
      .trim();
  } catch (err) {
    throw new Error(
      `the release ${ref} is not in this repository's history (a clone with history is needed; ` +
        `git fetch --unshallow, or set AJX_UPGRADE_FROM to a commit or tag that is present): ${(err as Error).message}`,
    );
  }
  checkDependencies(ref, commit);
  execFileSync('tar', ['-x', '-C', dir], { input: git(['archive', '--format=tar', commit], 512 * 1024 * 1024) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (build.status !== 0) {
    throw new Error(
      `cannot build the release ${ref} (${commit.slice(0, 12)}) in ${dir} with \`npm run build\` ` +
        `(exit ${String(build.status)}${build.signal ? `, ${build.signal}` : ''}${build.error ? `, ${build.error.message}` : ''}):\n` +
        `${build.stdout}${build.stderr}`.slice(-4000),
    );
  }
  for (const app of ['cli', 'gateway', 'normalizer', 'router']) {
    const entry = path.join(dir, 'dist', 'apps', app, 'src', 'main.js');
    if (!fs.existsSync(entry)) throw new Error(`the build of the release ${ref} has no ${entry}`);
  }
  return {
    ref,
    commit,
    root: dir,
    cli: (args, env) => {
      const res = spawnSync(process.execPath, [path.join(dir, 'dist/apps/cli/src/main.js'), ...args], {
        cwd: dir,
        env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
    },
    spawn: (app, env) => spawnService(app, env, { root: dir }),
  };
}
