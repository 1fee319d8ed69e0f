import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { CommonConfig } from '@ajx/config';
import { createService, type ServiceDefinition } from '@ajx/platform';
import { WebhookKeyFile, WebhookKeyring } from '@ajx/webhooks';

export interface TestRuntime {
  runId: string;
  dir: string;
  brokers: string[];
  /** The SASL_PLAINTEXT (SCRAM-SHA-512) listener; authorization applies there (the plain listener is a super user). */
  saslBrokers: string[];
  kafkaDataDir: string;
  databaseUrl: string;
  redisUrl: string;
}

/** The infrastructure the integration global setup started for this run. */
export function testRuntime(): TestRuntime {
  const file = process.env.AJX_TEST_RUNTIME;
  if (!file || !fs.existsSync(file)) {
    throw new Error('AJX_TEST_RUNTIME is not set: integration tests must run through the integration Jest project');
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestRuntime;
}

/** Names that keep one test file's topics, consumer groups and Redis keys apart from every other one. */
export interface TestNamespace {
  id: string;
  topicPrefix: string;
  redisPrefix: string;
}

export function testNamespace(label: string): TestNamespace {
  const rt = testRuntime();
  const id = `${rt.runId}-${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}-${randomBytes(3).toString('hex')}`;
  return { id, topicPrefix: `${id}.`, redisPrefix: `${id}` };
}

/**
 * The run's webhook key file (one key), made on first use: every service of a run seals and opens webhook secrets
 * with it unless a test gives its own AJX_WEBHOOK_KEY_FILE.
 */
export function testWebhookKeyFile(): string {
  const file = `${testRuntime().dir}/webhook-keys`;
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}`;
    WebhookKeyFile.write(tmp, [WebhookKeyring.generateKey()]);
    try {
      fs.linkSync(tmp, file); // atomic: the first writer wins, every worker uses the same key
    } catch {
      // another worker made it first
    }
    fs.rmSync(tmp, { force: true });
  }
  return file;
}

/** A config object of the given class pointing at the run's infrastructure, under a namespace. */
export function testConfig<T extends CommonConfig>(
  schema: new () => T,
  ns: TestNamespace,
  databaseUrl: string,
  overrides: Partial<T> = {},
): T {
  const rt = testRuntime();
  const config = new schema();
  Object.assign(config, {
    AJX_KAFKA_BROKERS: rt.brokers,
    AJX_TOPIC_PREFIX: ns.topicPrefix,
    AJX_KAFKA_SESSION_TIMEOUT_MS: 6000,
    AJX_DATABASE_URL: databaseUrl,
    AJX_DATABASE_POOL_SIZE: 4,
    AJX_REDIS_URL: rt.redisUrl,
    AJX_REDIS_PREFIX: ns.redisPrefix,
    AJX_LOG_LEVEL: process.env.AJX_TEST_LOG_LEVEL ?? 'warn',
    AJX_HTTP_HOST: '127.0.0.1',
    ...('AJX_WEBHOOK_KEY_FILE' in config ? { AJX_WEBHOOK_KEY_FILE: testWebhookKeyFile() } : {}),
    ...overrides,
  });
  return config;
}

export interface StartedService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts a real service in-process on an ephemeral port. */
export async function startService<T extends CommonConfig>(
  def: ServiceDefinition<T>,
  config: T,
): Promise<StartedService> {
  const app = await createService({ ...def, port: () => 0 }, config);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Polls until the probe returns a value other than undefined/false, or fails with the last observation. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A TCP port free on loopback right now (for a server a test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
