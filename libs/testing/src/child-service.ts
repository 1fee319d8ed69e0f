import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { CommonConfig } from '@ajx/config';

// dist/libs/testing/src or libs/testing/src → the repository root
const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../..' : '../../..');

/** The AJX_* environment that reproduces a config object in another process (a plain record passes through). */
export function envOf(config: CommonConfig | Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith('AJX_') || typeof v === 'function') continue;
    env[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return env;
}

export interface ChildService {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs a compiled service (dist/apps/<name>) as a real OS process, so it can be killed with SIGKILL. `root` is the
 * tree whose dist/ to run: this checkout by default, or another build (e.g. a previous release for the upgrade test),
 * whose settings are then given as the AJX_* environment itself rather than as this tree's config classes.
 */
export function spawnService(
  app: string,
  config: CommonConfig | Record<string, string>,
  opts: { preload?: string; env?: Record<string, string>; nodeArgs?: string[]; root?: string } = {},
): ChildService {
  const root = opts.root ?? ROOT;
  const entry = path.join(root, 'dist', 'apps', app, 'src', 'main.js');
  let out = '';
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), ...(opts.preload ? ['--require', opts.preload] : []), entry],
    {
      cwd: root,
      env: { ...process.env, ...envOf(config), ...opts.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? 0,
    exited,
    output: () => out,
    kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
