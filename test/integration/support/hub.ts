import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSigner } from '@ajx/audit';
import { type CommonConfig } from '@ajx/config';
import { topicSpecs } from '@ajx/contracts';
import { SUPPORTED_INSURERS } from '@ajx/domain';
import { CredentialService, IdentityRepository, type NewPrincipal, PrincipalService } from '@ajx/identity';
import { createKafka, TopicAdmin } from '@ajx/messaging';
import {
  startService,
  type StartedService,
  testConfig,
  testDataSource,
  createTestDatabase,
  testNamespace,
  type TestNamespace,
  testRuntime,
} from '@ajx/testing';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { GatewayConfig } from '../../../apps/gateway/src/gateway.config';
import { gatewayService } from '../../../apps/gateway/src/gateway.service-definition';
import { NormalizerConfig } from '../../../apps/normalizer/src/normalizer.config';
import { normalizerService } from '../../../apps/normalizer/src/normalizer.service-definition';
import { NotifierConfig } from '../../../apps/notifier/src/notifier.config';
import { notifierService } from '../../../apps/notifier/src/notifier.service-definition';
import { RouterConfig } from '../../../apps/router/src/router.config';
import { routerService } from '../../../apps/router/src/router.service-definition';

export type HubService = 'gateway' | 'normalizer' | 'router' | 'notifier';

export interface HubOptions {
  services: HubService[];
  gateway?: Partial<GatewayConfig>;
  normalizer?: Partial<NormalizerConfig>;
  router?: Partial<RouterConfig>;
  notifier?: Partial<NotifierConfig>;
  /** A database of the test's own (already migrated) instead of a copy of the run's template. */
  databaseUrl?: string;
  /** Another hub's namespace (topics, groups, Redis keys): e.g. the same deployment restored elsewhere. */
  namespace?: TestNamespace;
  /** A broker of the test's own instead of the run's. */
  brokers?: string[];
}

/**
 * A hub of real services in this process, on the run's Kafka/PostgreSQL/Redis under a namespace of its own
 * (topic prefix, consumer groups, Redis prefix, upload directory, audit key). The database is shared by the run,
 * so tests use their own principals and identifiers.
 */
export class TestHub {
  readonly ns: TestNamespace;
  readonly dir: string;
  readonly auditKeyFile: string;
  readonly kafka: Kafka;
  db!: DataSource;
  databaseUrl!: string;
  principals!: PrincipalService;
  credentials!: CredentialService;
  gateway?: StartedService;
  normalizer?: StartedService;
  router?: StartedService;
  notifier?: StartedService;
  private readonly started: StartedService[] = [];

  constructor(
    label: string,
    private readonly options: HubOptions,
  ) {
    this.ns = options.namespace ?? testNamespace(label);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `ajx-hub-${label}-`));
    this.auditKeyFile = path.join(this.dir, 'audit-key.pem');
    fs.writeFileSync(this.auditKeyFile, AuditSigner.generatePem().privateKeyPem);
    this.kafka = createKafka({ brokers: options.brokers ?? testRuntime().brokers, clientId: `test-${label}` });
  }

  config<T extends CommonConfig>(schema: new () => T, overrides: Partial<T> = {}): T {
    const brokers = this.options.brokers ? { AJX_KAFKA_BROKERS: this.options.brokers } : {};
    return testConfig(schema, this.ns, this.databaseUrl, { ...brokers, ...overrides });
  }

  gatewayConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
    return this.config(GatewayConfig, {
      AJX_UPLOAD_DIR: path.join(this.dir, 'uploads'),
      AJX_AUDIT_KEY_FILE: this.auditKeyFile,
      AJX_AUDIT_SEAL_INTERVAL_MS: 500,
      AJX_RATE_LIMIT_PER_SECOND: 1000,
      AJX_RATE_LIMIT_BURST: 2000,
      AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      ...this.options.gateway,
      ...overrides,
    });
  }

  async start(): Promise<this> {
    await new TopicAdmin(this.kafka, this.ns.topicPrefix).ensure(
      topicSpecs(SUPPORTED_INSURERS, {
        rawPartitions: 3,
        canonicalPartitions: 4,
        dlqPartitions: 1,
        canonicalRetentionMs: 86_400_000,
        dlqRetentionMs: 86_400_000,
      }),
    );
    this.databaseUrl = this.options.databaseUrl ?? (await createTestDatabase());
    this.db = await testDataSource(this.databaseUrl);
    const audit = new AuditLog(new AuditRepository(this.db));
    const identity = new IdentityRepository(this.db);
    this.principals = new PrincipalService(identity, audit);
    this.credentials = new CredentialService(identity, audit);
    if (this.options.services.includes('router')) {
      this.router = await this.startOne(
        routerService,
        this.config(RouterConfig, {
          AJX_ROUTER_DIRECTORY_REFRESH_MS: 300,
          ...this.options.router,
        }),
      );
    }
    if (this.options.services.includes('normalizer')) {
      this.normalizer = await this.startOne(
        normalizerService,
        this.config(NormalizerConfig, this.options.normalizer ?? {}),
      );
    }
    if (this.options.services.includes('gateway')) {
      this.gateway = await this.startOne(gatewayService, this.gatewayConfig());
    }
    if (this.options.services.includes('notifier')) await this.startNotifier();
    return this;
  }

  notifierConfig(overrides: Partial<NotifierConfig> = {}): NotifierConfig {
    return this.config(NotifierConfig, {
      AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      AJX_NOTIFIER_POLL_MS: 100,
      ...this.options.notifier,
      ...overrides,
    });
  }

  /** Starts the notifier in this process (again, after `stopNotifier`). */
  async startNotifier(overrides: Partial<NotifierConfig> = {}): Promise<StartedService> {
    this.notifier = await this.startOne(notifierService, this.notifierConfig(overrides));
    return this.notifier;
  }

  async stopNotifier(): Promise<void> {
    const n = this.notifier;
    if (!n) return;
    this.notifier = undefined;
    this.started.splice(this.started.indexOf(n), 1);
    await n.close();
  }

  private async startOne<T extends CommonConfig>(
    def: Parameters<typeof startService<T>>[0],
    config: T,
  ): Promise<StartedService> {
    const s = await startService(def, config);
    this.started.push(s);
    return s;
  }

  /** Another gateway instance on the same database, Redis and topics (e.g. to show limits hold across instances). */
  async startExtraGateway(overrides: Partial<GatewayConfig> = {}): Promise<StartedService> {
    return this.startOne(gatewayService, this.gatewayConfig(overrides));
  }

  /** Registers a principal and returns a fresh token for it. */
  async principal(p: NewPrincipal, validDays = 1): Promise<string> {
    await this.principals.register(p, 'test');
    return (await this.credentials.issue(p.id, { validDays }, 'test')).token;
  }

  async stop(): Promise<void> {
    for (const s of this.started.reverse()) await s.close();
    await this.db?.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  url(): string {
    if (!this.gateway) throw new Error('gateway not started');
    return this.gateway.url;
  }
}

export const SAMPLES = path.resolve(__dirname, '../../../../shared/samples');
/** Data standard v2 samples: accidents and claims of the four insurers. */
export const SAMPLES_V2 = path.resolve(__dirname, '../../../../shared/samples-v2');
export const CONTENT_TYPES: Record<string, string> = {
  PICC: 'text/csv',
  PINGAN: 'application/x-ndjson',
  CPIC: 'application/xml',
  DADI: 'application/json',
};

export function sampleFiles(insurer: string, root = SAMPLES): string[] {
  const dir = path.join(root, insurer);
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => path.join(dir, f));
}

/** One line of a sample's expected output (`../shared/samples/expected`): a canonical event or a reject. */
export interface ExpectedOutput {
  kind?: string;
  type?: string;
  subject?: string;
  time?: string;
  data?: { version: number; [field: string]: unknown };
  reject?: string;
  recordIndex?: number;
}

export function expectedOutputOf(insurer: string, file: string, root = SAMPLES): ExpectedOutput[] {
  return fs
    .readFileSync(path.join(root, 'expected', insurer, `${path.basename(file)}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ExpectedOutput);
}

export async function upload(
  url: string,
  token: string | null,
  insurer: string,
  body: Buffer | string,
  contentType = CONTENT_TYPES[insurer],
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}/v1/ingest/${insurer}/files`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Puts a county's register (NDJSON) with one line per USCC: each a 登记企业 of 370811, hazardous chemicals, 52 staff —
 * the enterprise the supervision tests' policies cover. Answers the gateway's status.
 */
export async function putCountyRegister(url: string, token: string, usccs: readonly string[]): Promise<number> {
  const lines = usccs.map((uscc) =>
    JSON.stringify({ uscc, name: '登记企业', regionCode: '370811', sector: 'hazardous_chemicals', employeeCount: 52 }),
  );
  const res = await fetch(`${url}/v1/dept/register`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: `${lines.join('\n')}\n`,
  });
  await res.arrayBuffer();
  return res.status;
}

export async function getJson(
  url: string,
  token: string | null,
): Promise<{
  status: number;
  body: any;
  headers: Headers;
}> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
