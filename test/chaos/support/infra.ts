/* Private infrastructure for the chaos suite: a PostgreSQL 15 cluster, a Redis server and a Kafka broker of its own,
 * each on free ports in one temporary directory, so that the suite can stop and start them without touching the
 * machine's shared PostgreSQL (5432), Redis (6379) or anyone's broker. Leftovers of killed runs are reaped first. */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@ajx/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: {
    dataDir: string;
    heapMb?: number;
    port?: number;
    controllerPort?: number;
  }): Promise<{ pid: number; port: number; controllerPort: number; brokers: string[] }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
};

const execFileAsync = promisify(execFile);

export const CHAOS_RUNS_DIR = path.join(os.tmpdir(), 'ajx-chaos-runs');

function pgBin(name: string): string {
  const candidates = [process.env.AJX_PG_BIN_DIR, '/usr/lib/postgresql/15/bin', '/usr/pgsql-15/bin']
    .filter((d): d is string => Boolean(d))
    .map((d) => path.join(d, name));
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  const which = spawnSync('which', [name], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error(`PostgreSQL 15 ${name} not found (looked in ${candidates.join(', ')} and PATH); set AJX_PG_BIN_DIR`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} in time`);
    await sleep(200);
  }
}

function procFile(pid: number, name: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return '';
  }
}

/** A service process of that run (a pid may have been reused by anything else since). */
function isOurService(pid: number, dir: string): boolean {
  return procFile(pid, 'environ').includes(dir);
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` OS user, which owns its files. */
function asPostgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function pgCommand(name: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgBin(name), ...args]] : [pgBin(name), args];
}

/** A PostgreSQL 15 cluster of the run (trust auth, durable: fsync stays on). */
export class PrivatePostgres {
  readonly root: string;
  readonly dataDir: string;
  private readonly logFile: string;
  constructor(
    dir: string,
    readonly port: number,
  ) {
    this.root = path.join(dir, 'pg');
    this.dataDir = path.join(this.root, 'data');
    this.logFile = path.join(this.root, 'postgres.log');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  init(): void {
    fs.mkdirSync(this.root, { recursive: true });
    const owner = asPostgresUser();
    if (owner) {
      fs.chmodSync(path.dirname(this.root), 0o755);
      fs.chownSync(this.root, owner.uid, owner.gid);
    }
    const [cmd, args] = pgCommand('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    const conf = [
      `port = ${this.port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ''`,
      'shared_buffers = 128MB',
      'max_connections = 300',
      // Durability stays as in production (fsync, synchronous_commit, full_page_writes on): that is under test.
      'log_min_messages = warning',
      '',
    ].join('\n');
    fs.appendFileSync(path.join(this.dataDir, 'postgresql.conf'), conf);
  }

  async start(): Promise<void> {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '120', 'start']);
    await execFileAsync(cmd, args);
  }

  /** `immediate`: no checkpoint, like a crash (recovery replays the WAL at the next start). */
  async stop(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    if (!fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) return;
    const [cmd, args] = pgCommand('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    await execFileAsync(cmd, args);
  }

  static stopDir(dataDir: string): void {
    if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return;
    const [cmd, args] = pgCommand('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    spawnSync(cmd, args, { stdio: 'ignore' });
  }
}

/**
 * A Redis server of the run without persistence: a restart loses everything, which is what the design promises to
 * survive ("a Redis loss delays but never loses" — rate limits, BullMQ schedulers are rebuilt at start-up).
 */
export class PrivateRedis {
  pid = 0;
  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
      throw new Error('redis-server (Redis 7) is not on the PATH: install it (e.g. apt-get install redis-server)');
    }
    const out = fs.openSync(path.join(this.dir, 'redis.log'), 'a');
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { detached: true, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    child.unref();
    this.pid = child.pid ?? 0;
    fs.writeFileSync(path.join(this.dir, 'redis.pid'), String(this.pid));
    await waitPort(this.port, 30000, 'redis-server');
  }

  /** SIGKILL: whatever it held is gone. */
  async kill(): Promise<void> {
    if (this.pid && alive(this.pid)) {
      process.kill(this.pid, 'SIGKILL');
      while (alive(this.pid)) await sleep(50);
    }
    this.pid = 0;
  }
}

/** The run's Kafka broker (deploy/kafka/local-kafka.cjs); restarted on the same ports and data directory. */
export class PrivateKafka {
  readonly dataDir: string;
  port = 0;
  controllerPort = 0;
  pid = 0;
  constructor(dir: string) {
    this.dataDir = path.join(dir, 'kafka');
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    const b = await localKafka.startBroker({
      dataDir: this.dataDir,
      heapMb: 768,
      ...(this.port ? { port: this.port, controllerPort: this.controllerPort } : {}),
    });
    this.port = b.port;
    this.controllerPort = b.controllerPort;
    this.pid = b.pid;
  }

  async stop(graceMs = 10000): Promise<void> {
    await localKafka.stopBroker(this.dataDir, graceMs);
  }
}

/** Everything the run started, in one directory whose owner pid lets a later run reap it if this one was killed. */
export class ChaosInfra {
  readonly dir: string;
  pg!: PrivatePostgres;
  redis!: PrivateRedis;
  kafka!: PrivateKafka;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(): Promise<ChaosInfra> {
    await ChaosInfra.reap();
    fs.mkdirSync(CHAOS_RUNS_DIR, { recursive: true });
    const infra = new ChaosInfra(fs.mkdtempSync(path.join(CHAOS_RUNS_DIR, 'run-')));
    fs.writeFileSync(path.join(infra.dir, 'owner.pid'), String(process.pid));
    infra.pg = new PrivatePostgres(infra.dir, await freePort());
    infra.redis = new PrivateRedis(infra.dir, await freePort());
    infra.kafka = new PrivateKafka(infra.dir);
    // `timeout` (npm run test:chaos) or Ctrl-C: stop everything before going, whatever the test was doing.
    const onSignal = (signal: NodeJS.Signals) => {
      process.stderr.write(`\n${signal}: stopping the chaos run's processes\n`);
      ChaosInfra.reapDir(infra.dir, true);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      infra.pg.init();
      await infra.pg.start();
      await infra.redis.start();
      await infra.kafka.start();
    } catch (err) {
      await infra.stop();
      throw err;
    }
    return infra;
  }

  async stop(): Promise<void> {
    if (process.env.AJX_TEST_KEEP === '1') {
      process.stderr.write(`\nAJX_TEST_KEEP=1: leaving ${this.dir} (pg ${this.pg.url}, kafka, redis) running\n`);
      return;
    }
    await this.kafka.stop(5000).catch(() => undefined);
    await this.redis.kill().catch(() => undefined);
    await this.pg.stop('immediate').catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stops what runs of killed test processes left behind (their owner pid is gone). */
  static async reap(): Promise<void> {
    if (!fs.existsSync(CHAOS_RUNS_DIR)) return;
    for (const name of fs.readdirSync(CHAOS_RUNS_DIR)) {
      const dir = path.join(CHAOS_RUNS_DIR, name);
      const ownerFile = path.join(dir, 'owner.pid');
      const owner = fs.existsSync(ownerFile) ? Number(fs.readFileSync(ownerFile, 'utf8')) : 0;
      if (owner && alive(owner)) continue;
      ChaosInfra.reapDir(dir, false);
    }
  }

  /** SIGKILLs the services, broker and Redis of a run directory, stops its PostgreSQL and removes the directory. */
  static reapDir(dir: string, keepable: boolean): void {
    if (keepable && process.env.AJX_TEST_KEEP === '1') return;
    const killPidFile = (file: string, check: (pid: number) => boolean) => {
      if (!fs.existsSync(file)) return;
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const pid = Number(line);
        if (pid && alive(pid) && check(pid)) process.kill(pid, 'SIGKILL');
      }
    };
    killPidFile(path.join(dir, 'services.pids'), (pid) => isOurService(pid, dir));
    killPidFile(path.join(dir, 'kafka', 'kafka.pid'), (pid) => procFile(pid, 'cmdline').includes(dir));
    killPidFile(path.join(dir, 'redis.pid'), (pid) => procFile(pid, 'comm').startsWith('redis-server'));
    PrivatePostgres.stopDir(path.join(dir, 'pg', 'data'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
