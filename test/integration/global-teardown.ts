import fs from 'node:fs';
import Redis from 'ioredis';
import { dropRunDatabases } from './run-databases';
import type { TestRuntime } from './test-runtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../deploy/kafka/local-kafka.cjs') as {
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
};

/** Stops the run's broker, drops its database, deletes its Redis keys and directory. */
export default async function globalTeardown(): Promise<void> {
  const file = process.env.AJX_TEST_RUNTIME;
  if (!file || !fs.existsSync(file)) return;
  const rt = JSON.parse(fs.readFileSync(file, 'utf8')) as TestRuntime;
  if (process.env.AJX_TEST_KEEP === '1') {
    process.stderr.write(`\nAJX_TEST_KEEP=1: leaving broker ${rt.brokers[0]} and ${rt.databaseUrl} for inspection\n`);
    return;
  }
  await localKafka.stopBroker(rt.kafkaDataDir, 10000);
  await dropRunDatabases(rt.databaseUrl).catch((err: Error) =>
    process.stderr.write(`could not drop test databases: ${err.message}\n`),
  );
  const redis = new Redis(rt.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${rt.runId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  fs.rmSync(rt.dir, { recursive: true, force: true });
}
