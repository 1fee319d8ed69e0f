import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSigner } from '@ajx/audit';
import { CommonConfig } from '@ajx/config';
import { topicSpecs } from '@ajx/contracts';
import { COUNTIES, SUPPORTED_INSURERS } from '@ajx/domain';
import { CredentialService, IdentityRepository, PrincipalService } from '@ajx/identity';
import { createKafka, TopicAdmin } from '@ajx/messaging';
import { dataSourceOptions, dropDatabase, ensureDatabase, migrate } from '@ajx/persistence';
import { type ChildService, spawnService } from '@ajx/testing';
import { WebhookKeyFile, WebhookKeyring } from '@ajx/webhooks';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: { dataDir: string; heapMb?: number }): Promise<{ pid: number; brokers: string[] }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
  startCluster(o: {
    dataDir: string;
    nodes: number;
    heapMb?: number;
  }): Promise<{ brokers: string[]; nodes: { pid: number }[] }>;
  stopCluster(dataDir: string, graceMs?: number): Promise<boolean>;
};

/**
 * The services' memory budget as deployments set it: old space capped, young generation kept at Node's default
 * size (V8 would shrink it with the old-space cap, which multiplies scavenges and promotions: latency and CPU).
 */
export function serviceHeapArgs(oldSpaceMb: number, semiSpaceMb = 16): string[] {
  return [`--max-old-space-size=${oldSpaceMb}`, `--max-semi-space-size=${semiSpaceMb}`];
}

export const BENCH_SERVICES = ['gateway', 'normalizer', 'router'] as const;
export type BenchService = (typeof BENCH_SERVICES)[number];

export interface BenchStack {
  dir: string;
  brokers: string[];
  brokerPid: number;
  databaseUrl: string;
  db: DataSource;
  kafka: Kafka;
  gatewayUrl: string;
  tokens: Record<string, string>;
  departments: number;
  services: Record<BenchService, ChildService & { port: number }>;
  /**
   * Instances beyond the first of each service (`instances` > 1), same consumer groups; the bench uploads to every
   * gateway in turn.
   */
  moreServices: (ChildService & { name: BenchService; port: number })[];
  /** The supervision service (`supervisor: true`): its own consumer group on the canonical topic, as deployed. */
  supervisor: (ChildService & { port: number }) | null;
  stop(): Promise<void>;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** The departments of a whole province under the default pack: every kind at province, city and county level. */
export function provinceDepartments(
  province: string,
): { id: string; name: string; kind: string; level: 'province' | 'city' | 'county'; regionCode: string }[] {
  const kinds = ['emergency', 'construction', 'transport', 'agriculture', 'defense_industry', 'financial_regulator'];
  const counties = COUNTIES.filter((c) => c.provinceCode === province || c.code.startsWith(province));
  const cities = [...new Set(counties.map((c) => c.code.slice(0, 4)))];
  const areas = [
    { level: 'province' as const, regionCode: `${province}0000` },
    ...cities.map((c) => ({ level: 'city' as const, regionCode: `${c}00` })),
    ...counties.filter((c) => !c.code.endsWith('00')).map((c) => ({ level: 'county' as const, regionCode: c.code })),
  ];
  return areas.flatMap((a) =>
    kinds.map((kind) => ({
      id: `${a.regionCode}-${kind}`,
      name: `${a.regionCode} ${kind}`,
      kind,
      level: a.level,
      regionCode: a.regionCode,
    })),
  );
}

async function waitReady(url: string, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * A hub of its own for a benchmark: a fresh Kafka broker and database, the three pipeline services as separate
 * processes (so CPU and memory are measured per service) and, on request, the supervisor, a province's departments
 * and one token per insurer.
 */
export async function startBenchStack(opts: {
  province: string;
  label: string;
  /** V8 old-space budget of each service (`--max-old-space-size`), as a deployment would set it. */
  heapMb?: number;
  /** V8's semi-space of each service (young generation), with heapMb. */
  semiMb?: number;
  /** Start without waiting for the departments' first projections (the measurement before 2026-12-07). */
  overlapProjections?: boolean;
  /** A local KRaft cluster of this many brokers (RF 3, min.insync.replicas=2) instead of one broker. */
  brokers?: number;
  /** Processes per service (the consumer groups spread the partitions over them). */
  instances?: number;
  /** Run the supervision service too (one instance), so its CPU and memory under the load are measured. */
  supervisor?: boolean;
}): Promise<BenchStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ajx-bench-${opts.label}-`));
  const clustered = (opts.brokers ?? 1) > 1;
  log(`starting Kafka${clustered ? ` (${opts.brokers} brokers)` : ''} in ${dir}`);
  const broker = clustered
    ? await localKafka
        .startCluster({ dataDir: path.join(dir, 'kafka'), nodes: opts.brokers!, heapMb: 512 })
        .then((c) => ({ brokers: c.brokers, pid: c.nodes[0].pid }))
    : await localKafka.startBroker({ dataDir: path.join(dir, 'kafka'), heapMb: 1024 });
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/ajx_bench_${Date.now().toString(36)}`;
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const db = new DataSource(dataSourceOptions({ url: databaseUrl, poolSize: 4, applicationName: 'ajx-bench' }));
  await db.initialize();
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'ajx-bench' });
  await new TopicAdmin(kafka).ensure(topicSpecs(SUPPORTED_INSURERS));

  const audit = new AuditLog(new AuditRepository(db));
  const identity = new IdentityRepository(db);
  const principals = new PrincipalService(identity, audit);
  const credentials = new CredentialService(identity, audit);
  const tokens: Record<string, string> = {};
  for (const insurer of SUPPORTED_INSURERS) {
    await principals.register({ id: insurer, type: 'insurer', name: insurer }, 'bench');
    tokens[insurer] = (await credentials.issue(insurer, { validDays: 1 }, 'bench')).token;
  }
  const departments = provinceDepartments(opts.province);
  for (const d of departments) {
    await principals.register(
      {
        id: d.id,
        type: 'department',
        name: d.name,
        department: { kind: d.kind, level: d.level, regionCode: d.regionCode },
      },
      'bench',
    );
  }
  log(`${departments.length} departments of province ${opts.province}`);

  const keyFile = path.join(dir, 'audit-key.pem');
  fs.writeFileSync(keyFile, AuditSigner.generatePem().privateKeyPem);
  const webhookKeyFile = path.join(dir, 'webhook-keys');
  WebhookKeyFile.write(webhookKeyFile, [WebhookKeyring.generateKey()]);
  // AJX_* settings in the bench's own environment reach every service (e.g. AJX_KAFKA_FETCH_MIN_BYTES=65536 for an
  // A/B run); those below are the bench's.
  const fromEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => k.startsWith('AJX_') && !k.startsWith('AJX_BENCH_') && v),
  );
  const config = Object.assign(new CommonConfig(), fromEnv, {
    AJX_KAFKA_BROKERS: broker.brokers,
    AJX_DATABASE_URL: databaseUrl,
    AJX_REDIS_PREFIX: `ajx-bench-${opts.label}-${Date.now().toString(36)}`,
    AJX_LOG_LEVEL: 'warn',
  });
  const ports: Record<BenchService, number> = { gateway: 3400, normalizer: 3401, router: 3402 };
  const extra: Record<BenchService, Record<string, string>> = {
    gateway: {
      AJX_GATEWAY_PORT: String(ports.gateway),
      AJX_AUDIT_KEY_FILE: keyFile,
      AJX_WEBHOOK_KEY_FILE: webhookKeyFile,
      AJX_UPLOAD_DIR: path.join(dir, 'uploads'),
      AJX_RATE_LIMIT_PER_SECOND: '10000',
      AJX_RATE_LIMIT_BURST: '10000',
      // The fixed-rate run sends ten files a second: the per-insurer cap on uploads in flight is not what it measures.
      AJX_INGEST_UPLOADS_PER_INSURER: '64',
    },
    normalizer: { AJX_NORMALIZER_PORT: String(ports.normalizer) },
    router: { AJX_ROUTER_PORT: String(ports.router) },
  };
  // AJX_BENCH_PROFILE=router (or any service) writes a V8 tick profile of that service to <tmp>/<service>.v8.log.
  const profiled = new Set((process.env.AJX_BENCH_PROFILE ?? '').split(',').filter(Boolean));
  const cpuProfiled = new Set((process.env.AJX_BENCH_CPU_PROFILE ?? '').split(',').filter(Boolean));
  const nodeArgsOf = (name: string) => [
    ...(opts.heapMb ? serviceHeapArgs(opts.heapMb, opts.semiMb) : []),
    ...(profiled.has(name)
      ? ['--prof', '--no-logfile-per-isolate', `--logfile=${path.join(os.tmpdir(), `${name}.v8.log`)}`]
      : []),
    // AJX_BENCH_CPU_PROFILE=router writes a sampling profile (self time per function) to <tmp>/<service>.cpuprofile.
    ...(cpuProfiled.has(name)
      ? ['--cpu-prof', `--cpu-prof-dir=${os.tmpdir()}`, `--cpu-prof-name=${name}.cpuprofile`]
      : []),
  ];
  const services = {} as BenchStack['services'];
  for (const name of BENCH_SERVICES)
    services[name] = Object.assign(spawnService(name, config, { env: extra[name], nodeArgs: nodeArgsOf(name) }), {
      port: ports[name],
    });
  const moreServices: BenchStack['moreServices'] = [];
  for (let i = 1; i < (opts.instances ?? 1); i++) {
    for (const name of BENCH_SERVICES) {
      const port = ports[name] + 10 * i;
      const env = { ...extra[name], [`AJX_${name.toUpperCase()}_PORT`]: String(port) };
      moreServices.push(
        Object.assign(
          spawnService(name, config, { env, nodeArgs: opts.heapMb ? serviceHeapArgs(opts.heapMb, opts.semiMb) : [] }),
          {
            name,
            port,
          },
        ),
      );
    }
  }
  // The supervisor with the deployment's settings and the default pack; the province has no register here, so it
  // evaluates what the policies alone show (rates, territories, renewals, services) — the per-record work of its
  // consumer, which is what a load measures.
  const supervisorPort = 3406;
  const supervisor = opts.supervisor
    ? Object.assign(
        spawnService('supervisor', config, {
          env: { AJX_SUPERVISOR_PORT: String(supervisorPort) },
          nodeArgs: nodeArgsOf('supervisor'),
        }),
        { port: supervisorPort },
      )
    : null;
  const all = () => [...Object.values(services), ...moreServices, ...(supervisor ? [supervisor] : [])];
  const stop = async () => {
    for (const s of all()) await s.kill();
    await db.destroy();
    if (clustered) await localKafka.stopCluster(path.join(dir, 'kafka'), 20000);
    else await localKafka.stopBroker(path.join(dir, 'kafka'), 20000);
    await dropDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      [
        ...BENCH_SERVICES.map((s) => ports[s]),
        ...moreServices.map((s) => s.port),
        ...(supervisor ? [supervisorPort] : []),
      ].map((p) => waitReady(`http://127.0.0.1:${p}`)),
    );
  } catch (err) {
    for (const s of BENCH_SERVICES) if (services[s].output()) log(`${s}: ${services[s].output().slice(-2000)}`);
    if (supervisor?.output()) log(`supervisor: ${supervisor.output().slice(-2000)}`);
    await stop();
    throw err;
  }
  log('services ready');
  // Registering the departments queued one re-projection job each (a department's history): let the router finish
  // them before anything is timed, or they overlap the load (they lock the same records as live routing) and the run
  // measures a province's departments being created, not steady routing.
  const projectionsBy = Date.now() + 300_000;
  while (!opts.overlapProjections) {
    const [{ open }] = await db.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM projection_jobs WHERE status IN ('pending', 'running')`,
    );
    if (open === 0) break;
    if (Date.now() > projectionsBy) {
      await stop();
      throw new Error(`${open} department projections still open after 5 minutes`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!opts.overlapProjections) log('department projections done');

  return {
    dir,
    brokers: broker.brokers,
    brokerPid: broker.pid,
    databaseUrl,
    db,
    kafka,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    tokens,
    departments: departments.length,
    services,
    moreServices,
    supervisor,
    stop,
  };
}
