/* Integration runs get infrastructure of their own: a Kafka broker on a free port with a fresh data directory
 * (never the demo's), a database created and migrated for the run, and a Redis key prefix. Leftovers of runs
 * that were killed are reaped first. Imports are relative: Jest does not apply moduleNameMapper here. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { ensureDatabase } from '../../libs/persistence/src/database-admin';
import { dropRunDatabases } from './run-databases';
import { migrate } from '../../libs/persistence/src/data-source';
import { RUNS_DIR_NAME, type TestRuntime } from './test-runtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: {
    dataDir: string;
    heapMb?: number;
    saslPort?: boolean;
  }): Promise<{ pid: number; brokers: string[]; saslBrokers: string[]; dataDir: string }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
};

const PG_URL = process.env.AJX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.AJX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function checkPostgres(): Promise<void> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}). ` +
        `Start it (on this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ` +
        `or set AJX_TEST_DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(err as Error).message}). Start it (on this machine: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set AJX_TEST_REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Removes brokers, databases and directories of earlier runs whose Jest process is gone. */
async function reapStaleRuns(root: string): Promise<void> {
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) {
    if (name.startsWith('.')) continue;
    const dir = path.join(root, name);
    let rt: TestRuntime | null = null;
    try {
      rt = JSON.parse(fs.readFileSync(path.join(dir, 'runtime.json'), 'utf8')) as TestRuntime;
    } catch {
      // Setup died before writing runtime.json; only its directory (and maybe a broker pid file) remain.
    }
    const owner =
      rt?.ownerPid ??
      Number(fs.existsSync(path.join(dir, 'owner.pid')) ? fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8') : 0);
    if (owner && alive(owner)) continue;
    await localKafka.stopBroker(path.join(dir, 'kafka'), 5000).catch(() => undefined);
    if (rt) await dropRunDatabases(rt.databaseUrl).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export default async function globalSetup(): Promise<void> {
  await Promise.all([checkPostgres(), checkRedis()]);
  const root = path.join(os.tmpdir(), RUNS_DIR_NAME);
  await reapStaleRuns(root);
  const runId = `r${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dir = path.join(root, runId);
  // The directory appears with its owner already recorded, so a concurrent run's reaper never takes it for debris.
  const staging = path.join(root, `.${runId}`);
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'owner.pid'), String(process.pid));
  fs.renameSync(staging, dir);

  const kafkaDataDir = path.join(dir, 'kafka');
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/ajx_test_${runId}`;
  const [broker] = await Promise.all([
    localKafka.startBroker({ dataDir: kafkaDataDir, heapMb: 512, saslPort: true }),
    (async () => {
      await ensureDatabase(dbUrl.toString());
      await migrate(dbUrl.toString());
    })(),
  ]);

  const runtime: TestRuntime = {
    runId,
    dir,
    ownerPid: process.pid,
    brokers: broker.brokers,
    saslBrokers: broker.saslBrokers,
    kafkaPid: broker.pid,
    kafkaDataDir,
    databaseUrl: dbUrl.toString(),
    redisUrl: REDIS_URL,
  };
  const file = path.join(dir, 'runtime.json');
  fs.writeFileSync(file, JSON.stringify(runtime, null, 2));
  process.env.AJX_TEST_RUNTIME = file;
}
