import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testRuntime } from '@ajx/testing';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs the compiled `ajx` command (dist) with the given environment; returns its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Provisions the SCRAM users and ACLs of a test namespace with `ajx kafka provision` (over the plain listener, a
 * super user) and returns the passwords it wrote.
 */
export function provisionKafkaUsers(
  dir: string,
  topicPrefix: string,
  userPrefix: string,
  insurers: string[],
): { file: string; users: Record<string, string> } {
  const file = path.join(dir, 'kafka-users.json');
  const res = runCli(
    ['kafka', 'provision', '--insurers', insurers.join(','), '--password-file', file, '--user-prefix', userPrefix],
    { AJX_KAFKA_BROKERS: testRuntime().brokers.join(','), AJX_TOPIC_PREFIX: topicPrefix, AJX_LOG_LEVEL: 'warn' },
  );
  if (res.status !== 0) throw new Error(`ajx kafka provision failed (${res.status}): ${res.stderr}`);
  return { file, users: (JSON.parse(fs.readFileSync(file, 'utf8')) as { users: Record<string, string> }).users };
}

/**
 * Runs the compiled `ajx` command without blocking this process (services running in the test process keep working
 * meanwhile); `onSpawn` gets the child's pid (e.g. to sample its memory).
 */
export function runCliAsync(
  args: string[],
  env: Record<string, string>,
  onSpawn?: (pid: number) => void,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ status: code ?? -1, stdout, stderr })));
}
