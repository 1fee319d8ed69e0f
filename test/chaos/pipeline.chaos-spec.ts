import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSigner } from '@ajx/audit';
import { builtInRulePackBySpec, type Department } from '@ajx/authz';
import { CommonConfig } from '@ajx/config';
import { topicSpecs } from '@ajx/contracts';
import { SUPPORTED_INSURERS } from '@ajx/domain';
import { CredentialService, IdentityRepository, PrincipalService } from '@ajx/identity';
import { createKafka, TopicAdmin } from '@ajx/messaging';
import { dataSourceOptions, ensureDatabase, migrate } from '@ajx/persistence';
import { Random } from '@ajx/simulation';
import { WebhookKeyFile, WebhookKeyring } from '@ajx/webhooks';
import { DataSource } from 'typeorm';
import { freePort } from '@ajx/testing';
import { ChaosInfra } from './support/infra';
import { generateLoad, type LoadFile, uploadWithRetries } from './support/load';
import { contentChecks, supervisionChecks, webhookOracleChecks } from './support/hub-checks';
import { type Check, compare, ok, Oracle } from './support/oracle';
import { servicePidFile, SupervisedService } from './support/supervisor';
import { WebhookReceiver } from './support/webhook-receiver';

/*
 * The chaos suite (npm run test:chaos, docs/reliability.md). ≥ 50,000 generated records of the four insurers — every
 * kind of data standard v2: policies, services, hazards, accidents (some urgent) and claims — are
 * uploaded through the gateway while every service is killed with SIGKILL several times at random moments and
 * Kafka, PostgreSQL and Redis are each stopped and started once — all of them private instances of this run. After
 * convergence the hub is compared with an oracle computed from the generator's expected outcomes and the rule pack:
 * canonical store, department views and feeds, DLQ, the province simulator's log, webhook deliveries, escalations.
 * Reproduce a run with AJX_CHAOS_SEED=<seed printed at the start>.
 */

type InfraOutage = 'kafka' | 'postgres' | 'redis';
/**
 * `full` (npm run test:chaos) or `short` (AJX_CHAOS_PROFILE=short, in npm test: 10,000 records, one kill of each
 * service and one broker restart, a few minutes). The AJX_CHAOS_* settings below override either.
 */
const PROFILES = {
  full: {
    records: 50_000,
    perFile: 2_500,
    kills: 3,
    outages: ['kafka', 'postgres', 'redis'] as InfraOutage[],
    spreadMs: 90_000,
    pauseMs: [2000, 8000],
  },
  short: {
    records: 10_000,
    perFile: 1_000,
    kills: 1,
    outages: ['kafka'] as InfraOutage[],
    spreadMs: 30_000,
    pauseMs: [1500, 5000],
  },
};
const PROFILE_NAME = process.env.AJX_CHAOS_PROFILE ?? 'full';
if (PROFILE_NAME !== 'full' && PROFILE_NAME !== 'short') {
  throw new Error(`AJX_CHAOS_PROFILE must be full or short, not ${PROFILE_NAME}`);
}
const PROFILE = PROFILES[PROFILE_NAME];
const SEED = process.env.AJX_CHAOS_SEED ?? randomBytes(4).toString('hex');
const RECORDS = Number(process.env.AJX_CHAOS_RECORDS ?? PROFILE.records);
const PER_FILE = Number(process.env.AJX_CHAOS_FILE_RECORDS ?? PROFILE.perFile);
const KILLS_PER_SERVICE = Number(process.env.AJX_CHAOS_KILLS ?? PROFILE.kills);
const RULE_PACK = 'jining@2';
const PROVINCE = '37';
const SIM_KEY = 'sd-rt-2025';
const SIM_SECRET = 'sd-realtime-shared-secret-0123456789abcdef';
const ESCALATION_AFTER_MS = 5000;
/** Jining and Hangzhou (departments registered), Guangzhou (none: entitled to no one, not in any province log). */
const REGIONS = ['3708', '3301', '4401'];
const WEBHOOK_DEPARTMENTS = ['jn-rencheng-emergency', 'jn-coal', 'jn-zoucheng-coal', 'hz-shangcheng-construction'];
const SERVICES = [
  'gateway',
  'normalizer',
  'router',
  'supervisor',
  'interchange',
  'notifier',
  'province-simulator',
] as const;
type ServiceName = (typeof SERVICES)[number];

jest.setTimeout(14 * 60_000);

const t0 = Date.now();
const log = (msg: string) => process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seed {
  insurers: { id: string; name: string }[];
  departments: Department[];
  provinces: { id: string; name: string; regionCode: string }[];
}

interface Outage {
  what: InfraOutage;
  at: number;
  downMs: number;
}

describe('chaos: kill -9 every service, restart Kafka, PostgreSQL and Redis under load', () => {
  let infra: ChaosInfra;
  let db: DataSource;
  let databaseUrl: string;
  const services = new Map<ServiceName, SupervisedService>();
  let receiver: WebhookReceiver;
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../deploy/demo/seed.json'), 'utf8')) as Seed;
  const tokens = new Map<string, string>();
  let principals: PrincipalService;
  let credentialsOf: CredentialService;

  beforeAll(async () => {
    log(
      `profile ${PROFILE_NAME}, seed ${SEED} (AJX_CHAOS_SEED=${SEED} reproduces the load and the schedule), ${RECORDS} records`,
    );
    infra = await ChaosInfra.start();
    log(`private PostgreSQL :${infra.pg.port}, Redis :${infra.redis.port}, Kafka ${infra.kafka.brokers[0]}`);
    databaseUrl = `postgres://postgres@127.0.0.1:${infra.pg.port}/ajx_chaos`;
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    db = new DataSource(dataSourceOptions({ url: databaseUrl, poolSize: 3, applicationName: 'ajx-chaos' }));
    await db.initialize();
    const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: 'ajx-chaos' });
    await new TopicAdmin(kafka).ensure(
      topicSpecs(SUPPORTED_INSURERS, {
        rawPartitions: 3,
        canonicalPartitions: 6,
        dlqPartitions: 1,
        canonicalRetentionMs: 86_400_000,
        dlqRetentionMs: 86_400_000,
      }),
    );
    const audit = new AuditLog(new AuditRepository(db));
    const identity = new IdentityRepository(db);
    principals = new PrincipalService(identity, audit);
    const credentials = new CredentialService(identity, audit);
    for (const i of seed.insurers) await principals.register({ id: i.id, type: 'insurer', name: i.name }, 'chaos');
    for (const p of seed.provinces) {
      await principals.register({ id: p.id, type: 'province', name: p.name, regionCode: p.regionCode }, 'chaos');
    }
    for (const id of seed.insurers.map((i) => i.id))
      tokens.set(id, (await credentials.issue(id, { validDays: 1 }, 'chaos')).token);
    // Departments are registered by the test: some before the load, the others during it.
    credentialsOf = credentials;
  });

  afterAll(async () => {
    for (const s of services.values()) await s.stop().catch(() => undefined);
    await receiver?.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    await infra?.stop();
  });

  async function startServices(): Promise<void> {
    const keyFile = path.join(infra.dir, 'audit-key.pem');
    fs.writeFileSync(keyFile, AuditSigner.generatePem().privateKeyPem);
    const webhookKeyFile = path.join(infra.dir, 'webhook-keys');
    WebhookKeyFile.write(webhookKeyFile, [WebhookKeyring.generateKey()]);
    const config = Object.assign(new CommonConfig(), {
      AJX_KAFKA_BROKERS: infra.kafka.brokers,
      AJX_KAFKA_SESSION_TIMEOUT_MS: 6000,
      AJX_DATABASE_URL: databaseUrl,
      AJX_DATABASE_POOL_SIZE: 6,
      AJX_REDIS_URL: infra.redis.url,
      AJX_REDIS_PREFIX: 'ajxchaos',
      AJX_LOG_LEVEL: process.env.AJX_TEST_LOG_LEVEL ?? 'warn',
    });
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const)),
    ) as Record<ServiceName, number>;
    const simUrl = `http://127.0.0.1:${ports['province-simulator']}`;
    const env: Record<ServiceName, Record<string, string>> = {
      gateway: {
        AJX_GATEWAY_PORT: String(ports.gateway),
        AJX_UPLOAD_DIR: path.join(infra.dir, 'uploads'),
        AJX_AUDIT_KEY_FILE: keyFile,
        AJX_WEBHOOK_KEY_FILE: webhookKeyFile,
        AJX_RATE_LIMIT_PER_SECOND: '1000',
        AJX_RATE_LIMIT_BURST: '2000',
        AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        AJX_RULE_PACK: RULE_PACK,
      },
      normalizer: { AJX_NORMALIZER_PORT: String(ports.normalizer) },
      router: {
        AJX_ROUTER_PORT: String(ports.router),
        AJX_RULE_PACK: RULE_PACK,
        AJX_ROUTER_DIRECTORY_REFRESH_MS: '1000',
      },
      supervisor: {
        AJX_SUPERVISOR_PORT: String(ports.supervisor),
        AJX_RULE_PACK: RULE_PACK,
        AJX_SUPERVISOR_CONCURRENCY: '2',
      },
      interchange: {
        AJX_INTERCHANGE_PORT: String(ports.interchange),
        AJX_INTERCHANGE_SENDER: 'ajx-chaos',
        AJX_INTERCHANGE_POLL_MS: '200',
        AJX_INTERCHANGE_RETRY_BASE_MS: '200',
        AJX_INTERCHANGE_RETRY_MAX_MS: '3000',
        AJX_INTERCHANGE_STANDBY_MS: '1000',
        AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
          {
            id: 'sd-rt',
            url: simUrl,
            province: PROVINCE,
            principal: 'province-sd',
            mode: 'realtime',
            keyId: SIM_KEY,
            secret: SIM_SECRET,
            batchSize: 500,
            timeoutMs: 15_000,
          },
        ]),
      },
      notifier: {
        AJX_NOTIFIER_PORT: String(ports.notifier),
        AJX_ESCALATION_AFTER_MS: String(ESCALATION_AFTER_MS),
        AJX_NOTIFIER_POLL_MS: '250',
        AJX_WEBHOOK_KEY_FILE: webhookKeyFile,
        AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        AJX_WEBHOOK_BACKOFF_BASE_MS: '200',
        AJX_WEBHOOK_BACKOFF_MAX_MS: '2000',
        AJX_WEBHOOK_MAX_ATTEMPTS: '100',
        AJX_WEBHOOK_TIMEOUT_MS: '5000',
      },
      'province-simulator': {
        AJX_PROVINCE_SIM_PORT: String(ports['province-simulator']),
        AJX_PROVINCE_CODE: PROVINCE,
        AJX_PROVINCE_SIM_SECRETS: `${SIM_KEY}:${SIM_SECRET}`,
        AJX_PROVINCE_SIM_SCHEMA: 'province_sim',
      },
    };
    for (const name of SERVICES) {
      const s = new SupervisedService(
        name,
        name,
        config,
        { ...env[name], AJX_CHAOS_RUN_DIR: infra.dir },
        ports[name],
        servicePidFile(infra.dir),
      );
      services.set(name, s);
      s.start();
    }
    await Promise.all([...services.values()].map((s) => s.ready()));
  }

  /** Uploads every file with a few concurrent clients, paced over `spreadMs` so that the chaos hits the load. */
  async function uploadAll(files: LoadFile[], spreadMs: number): Promise<Map<string, string>> {
    const batchIds = new Map<string, string>();
    const gateway = services.get('gateway')!;
    const queue = files.map((f, i) => ({ f, notBefore: Date.now() + (i * spreadMs) / files.length }));
    const deadline = Date.now() + 8 * 60_000;
    let retries = 0;
    let duplicates = 0;
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          await sleep(Math.max(0, next.notBefore - Date.now()));
          const r = await uploadWithRetries(gateway.url, tokens.get(next.f.insurer)!, next.f, deadline);
          batchIds.set(next.f.file, r.batchId);
          retries += r.attempts - 1;
          duplicates += r.duplicateAnswers;
        }
      }),
    );
    log(`uploaded ${files.length} files (${retries} retries, ${duplicates} answered duplicate=true)`);
    uploadStats.retries = retries;
    uploadStats.duplicates = duplicates;
    return batchIds;
  }
  const uploadStats = { retries: 0, duplicates: 0 };

  /**
   * Registers departments during the load (after `afterMs`), retrying while PostgreSQL is down: the router
   * re-projects their history while the same records are routed live (the hand-over of docs/reliability.md).
   */
  async function registerDuring(departments: Department[], afterMs: number): Promise<number> {
    await sleep(afterMs);
    for (const d of departments) {
      for (;;) {
        try {
          await principals.register({ id: d.id, type: 'department', name: d.name, department: { ...d } }, 'chaos');
          break;
        } catch (err) {
          if ((err as Error).name === 'InvalidPrincipalError') throw err;
          await sleep(500);
        }
      }
    }
    log(`registered ${departments.length} departments during the load: ${departments.map((d) => d.id).join(', ')}`);
    return Date.now();
  }

  /** The schedule: each service killed KILLS_PER_SERVICE times, each outage of the profile once. */
  async function chaos(rng: Random): Promise<Outage[]> {
    const actions: string[] = [];
    for (const s of SERVICES) for (let i = 0; i < KILLS_PER_SERVICE; i++) actions.push(s);
    actions.push(...PROFILE.outages);
    for (let i = actions.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [actions[i], actions[j]] = [actions[j], actions[i]];
    }
    const outages: Outage[] = [];
    for (const action of actions) {
      await sleep(rng.int(PROFILE.pauseMs[0], PROFILE.pauseMs[1]));
      if (action === 'kafka' || action === 'postgres' || action === 'redis') {
        const downMs = rng.int(1000, 6000);
        const at = Date.now();
        log(`chaos: ${action} down for ${downMs} ms`);
        if (action === 'kafka') {
          await infra.kafka.stop(2000);
          await sleep(downMs);
          await infra.kafka.start();
        } else if (action === 'postgres') {
          await infra.pg.stop('immediate');
          await sleep(downMs);
          await infra.pg.start();
        } else {
          await infra.redis.kill();
          await sleep(downMs);
          await infra.redis.start();
        }
        outages.push({ what: action, at: at - t0, downMs: Date.now() - at });
        log(`chaos: ${action} back after ${Date.now() - at} ms`);
      } else {
        log(`chaos: kill -9 ${action}`);
        await services.get(action as ServiceName)!.kill9();
      }
    }
    return outages;
  }

  interface Counts {
    events: number;
    views: number;
    feed: number;
    dlq: number;
    province: number;
    webhooks: number;
    /** Feed entries of the departments with a webhook: what the receiver must end up with. */
    webhookFeed: number;
    openEscalations: number;
    incompleteBatches: number;
    /** Record versions the supervisor holds: every accepted one, once. */
    supervised: number;
  }

  async function counts(batchIds: string[]): Promise<Counts> {
    const [c] = await db.query<Omit<Counts, 'province' | 'webhooks'>[]>(
      `SELECT (SELECT count(*)::int FROM canonical_events) AS events,
              (SELECT count(*)::int FROM dept_views WHERE kind <> 'finding') AS views,
              (SELECT count(*)::int FROM supervision_versions) AS supervised,
              (SELECT count(*)::int FROM dept_feed) AS feed,
              (SELECT count(*)::int FROM dlq_entries) AS dlq,
              (SELECT count(*)::int FROM dept_feed WHERE department_id = ANY($2::text[])) AS "webhookFeed",
              (SELECT count(*)::int FROM hazard_escalations WHERE state = 'open') AS "openEscalations",
              (SELECT count(*)::int FROM ingest_batches b WHERE b.batch_id = ANY($1::uuid[]) AND (b.status <> 'published'
                 OR (SELECT count(*) FROM batch_outcomes o WHERE o.batch_id = b.batch_id AND o.record_index > 0) < b.records))
                 AS "incompleteBatches"`,
      [batchIds, WEBHOOK_DEPARTMENTS],
    );
    const [p] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM province_sim.delivery_log`);
    return { ...c, province: p.n, webhooks: receiver.total() };
  }

  it('loses nothing and duplicates nothing', async () => {
    const rng = new Random(`chaos-${SEED}`);
    const genStart = Date.now();
    const files = await generateLoad({
      dir: path.join(infra.dir, 'load'),
      seed: SEED,
      records: RECORDS,
      perFile: PER_FILE,
      regionPrefixes: REGIONS,
    });
    const pack = builtInRulePackBySpec(RULE_PACK);
    const oracle = new Oracle(files, pack, seed.departments);
    const rejectsExpected = files.reduce((n, f) => n + f.rejects.length, 0);
    log(
      `generated ${files.length} files, ${files.reduce((n, f) => n + f.records, 0)} records: ` +
        `${oracle.events.length} versions of ${oracle.latest.size} records, ${rejectsExpected} rejects ` +
        `(${((Date.now() - genStart) / 1000).toFixed(1)} s)`,
    );
    const perKind = new Map<string, number>();
    for (const e of oracle.latest.values()) perKind.set(e.kind, (perKind.get(e.kind) ?? 0) + 1);
    const urgentAccidents = [...oracle.latest.values()].filter((e) => e.kind === 'accident' && e.urgent).length;
    log(
      `records per kind: ${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')}; ${urgentAccidents} urgent accidents`,
    );

    // Departments created during the load: every one without a webhook that is in no urgent plan of the load (the
    // escalation checks assume a record's plan from its first routing on); the others exist before it starts.
    const inUrgentPlans = new Set(
      oracle.events.flatMap((e) => {
        const plan = oracle.urgentPlan(e);
        return [...plan.county, ...plan.city, ...plan.province];
      }),
    );
    const late = seed.departments.filter((d) => !WEBHOOK_DEPARTMENTS.includes(d.id) && !inUrgentPlans.has(d.id));
    const lateIds = new Set(late.map((d) => d.id));
    for (const d of seed.departments.filter((x) => !lateIds.has(x.id))) {
      await principals.register({ id: d.id, type: 'department', name: d.name, department: { ...d } }, 'chaos');
    }
    for (const id of WEBHOOK_DEPARTMENTS)
      tokens.set(id, (await credentialsOf.issue(id, { validDays: 1 }, 'chaos')).token);

    const secrets = new Map(WEBHOOK_DEPARTMENTS.map((d) => [d, `whsec-${d}-${SEED}-0123456789abcdef`]));
    receiver = new WebhookReceiver(secrets);
    await receiver.start();
    await startServices();
    log('services ready');
    for (const d of WEBHOOK_DEPARTMENTS) {
      const res = await fetch(`${services.get('gateway')!.url}/v1/dept/webhook`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.get(d)!}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.urlFor(d), secret: secrets.get(d) }),
      });
      expect(res.status).toBeLessThan(300);
    }

    // No wait for the router's projection of the departments: the load starts at once, while the router is still
    // projecting the (empty) histories of the departments that exist before it, and the late departments are created
    // a third of the way into it. Both re-projections meet live routing (docs/reliability.md, the hand-over): the
    // first departments' feeds must hold every version, the late ones' every version from their first on.
    const loadStart = Date.now();
    const [batchIds, outages] = await Promise.all([
      uploadAll(files, PROFILE.spreadMs),
      chaos(rng.fork('schedule')),
      registerDuring(late, PROFILE.spreadMs / 3),
    ]);
    const chaosEnd = Date.now();
    log(`chaos over after ${((chaosEnd - loadStart) / 1000).toFixed(0)} s; waiting for convergence`);

    // Convergence: everything matches the oracle's totals, or nothing changed for a while (then the checks say what).
    const expectedTotals = {
      events: oracle.events.length,
      views: oracle.viewRows().length,
      dlq: rejectsExpected,
      province: oracle.provinceEvents(PROVINCE).length,
    };
    const deadline = Date.now() + 6 * 60_000;
    let last = '';
    let stableSince = Date.now();
    for (;;) {
      const c = await counts([...batchIds.values()]).catch(() => null);
      const now = JSON.stringify(c);
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      }
      const matches =
        c !== null &&
        c.incompleteBatches === 0 &&
        c.openEscalations === 0 &&
        c.events === expectedTotals.events &&
        c.views === expectedTotals.views &&
        c.dlq === expectedTotals.dlq &&
        c.province === expectedTotals.province &&
        c.supervised === expectedTotals.events &&
        c.webhooks === c.webhookFeed;
      if ((matches && Date.now() - stableSince > 6000) || Date.now() - stableSince > 45_000) break;
      if (Date.now() > deadline) break;
      await sleep(2000);
    }
    const convergedAfter = Date.now() - chaosEnd;
    log(`converged ${(convergedAfter / 1000).toFixed(0)} s after the chaos: ${last}`);

    // Each service's output since its last start, for a run that needs explaining.
    for (const sv of services.values())
      fs.writeFileSync(path.join(os.tmpdir(), `ajx-chaos-${SEED}-${sv.name}.log`), sv.current?.output() ?? '');
    // The exact comparison.
    const checks: Check[] = [];
    const rows = <T>(sql: string, params: unknown[] = []) => db.query<T[]>(sql, params);
    checks.push(
      compare(
        'canonical events (each accepted version once)',
        oracle.eventIds(),
        (await rows<{ id: string }>(`SELECT event_id AS id FROM canonical_events`)).map((r) => r.id),
      ),
    );
    checks.push(
      compare(
        'canonical records (latest version once)',
        oracle.latestRecords(),
        (
          await rows<{ k: string }>(
            `SELECT kind || '|' || insurer || '|' || subject || '|' || version || '|' || event_id AS k FROM canonical_records`,
          )
        ).map((r) => r.k),
      ),
    );
    checks.push(
      compare(
        'department views (entitled departments, latest version)',
        oracle.viewRows(),
        (
          await rows<{ k: string }>(
            `SELECT department_id || '|' || kind || '|' || insurer || '|' || subject || '|' || event_id AS k FROM dept_views
             WHERE kind <> 'finding'`,
          )
        ).map((r) => r.k),
      ),
    );
    checks.push(
      compare(
        'department feeds (each version once per entitled department)',
        oracle.feedEntries().filter((k) => !lateIds.has(k.slice(0, k.indexOf('|')))),
        (
          await rows<{ k: string }>(
            `SELECT department_id || '|' || event_id AS k FROM dept_feed
             WHERE entry <> 'escalated' AND kind <> 'finding' AND NOT (department_id = ANY($1::text[]))`,
            [[...lateIds]],
          )
        ).map((r) => r.k),
      ),
    );
    const lateFeed = await rows<{
      d: string;
      kind: string;
      insurer: string;
      subject: string;
      version: number;
      e: string;
      entry: string;
      p: string | null;
    }>(
      `SELECT department_id AS d, kind, insurer, subject, version, event_id AS e, entry, payload_id AS p FROM dept_feed
       WHERE entry <> 'escalated' AND kind <> 'finding' AND department_id = ANY($1::text[]) ORDER BY seq`,
      [[...lateIds]],
    );
    checks.push(
      compare(
        `feeds of the ${lateIds.size} departments created during the load (per record: every version from its first to the latest, new then updated)`,
        oracle.lateFeedExpected(lateIds),
        oracle.lateFeedFound(lateFeed),
      ),
    );
    checks.push(
      compare(
        'DLQ (each reject once, with its code)',
        oracle.rejects(batchIds),
        (
          await rows<{ k: string }>(
            `SELECT batch_id || '|' || record_index || '|' || code AS k FROM dlq_entries WHERE status = 'open'`,
          )
        ).map((r) => r.k),
      ),
    );
    checks.push(...(await contentChecks(db, oracle, { ids: lateIds, feed: lateFeed })));
    const simLog = await rows<{ id: string }>(`SELECT event_id AS id FROM province_sim.delivery_log`);
    checks.push(
      compare(
        `province ${PROVINCE} simulator log (each event once)`,
        oracle.provinceEvents(PROVINCE),
        simLog.map((r) => r.id),
      ),
    );

    // Escalations: unacknowledged open major hazards reach every later tier once and end exhausted.
    const esc = oracle.escalations();
    const escalatedRows = await rows<{ k: string }>(
      `SELECT department_id || '|' || kind || '|' || insurer || '|' || subject AS k FROM dept_feed WHERE entry = 'escalated'`,
    );
    const rectifiedKeys = new Set(esc.rectified.map((e) => e.key));
    const rectifiedAllowed = new Set(esc.rectified.flatMap((e) => e.recipients.map((d) => `${d}|${e.key}`)));
    checks.push(
      compare(
        'escalated entries of open urgent hazards and accidents (each later tier once)',
        esc.open.flatMap((e) => e.recipients.map((d) => `${d}|${e.key}`)),
        escalatedRows.map((r) => r.k).filter((k) => !rectifiedKeys.has(k.slice(k.indexOf('|') + 1))),
      ),
    );
    const rectifiedFound = escalatedRows.map((r) => r.k).filter((k) => rectifiedKeys.has(k.slice(k.indexOf('|') + 1)));
    checks.push(
      compare(
        'escalated entries of rectified hazards, closed accidents (at most once, right tiers)',
        rectifiedFound.filter((k) => rectifiedAllowed.has(k)),
        rectifiedFound,
      ),
    );
    const states = await rows<{ k: string; state: string }>(
      `SELECT kind || '|' || insurer || '|' || subject AS k, state FROM hazard_escalations`,
    );
    const stateOf = new Map(states.map((s) => [s.k, s.state]));
    checks.push(
      compare(
        'open urgent hazards and accidents exhausted (unacknowledged at every tier)',
        esc.open.map((e) => `${e.key}|exhausted`),
        esc.open.map((e) => `${e.key}|${stateOf.get(e.key) ?? 'none'}`),
      ),
    );

    // Webhooks: every feed entry of a subscribed department delivered, each by one delivery id.
    for (const d of WEBHOOK_DEPARTMENTS) {
      const seqs = await rows<{ seq: string }>(`SELECT seq FROM dept_feed WHERE department_id = $1`, [d]);
      const got = receiver.received.get(d)!;
      const found: string[] = [];
      for (const [seq, ids] of got.bySeq) for (let i = 0; i < ids.size; i++) found.push(String(seq));
      for (let i = 0; i < got.badSignatures; i++) found.push('bad signature');
      checks.push(
        compare(
          `webhook ${d} (each feed entry, one delivery id)`,
          seqs.map((s) => s.seq),
          found,
        ),
      );
    }
    checks.push(...webhookOracleChecks(receiver, oracle, WEBHOOK_DEPARTMENTS));
    checks.push(...(await supervisionChecks(db, oracle)));
    const [{ dead }] = await rows<{ dead: number }>(
      `SELECT count(*)::int AS dead FROM webhook_deliveries WHERE state = 'dead'`,
    );

    // The summary (the figures of docs/reliability.md).
    const lines = [
      '',
      `chaos run (${PROFILE_NAME}), seed ${SEED}: ${files.length} files, ${RECORDS} records, ${os.cpus().length} cores`,
      `${'check'.padEnd(72)} ${'expected'.padStart(9)} ${'found'.padStart(9)}`,
      ...checks.map(
        (c) =>
          `${(ok(c) ? '  ok ' : 'FAIL ') + c.check.padEnd(67)} ${String(c.expected).padStart(9)} ${String(c.found).padStart(9)}` +
          (ok(c) ? '' : `\n      missing ${JSON.stringify(c.missing)}\n      extra ${JSON.stringify(c.extra)}`),
      ),
      `webhook requests (incl. retries) ${[...receiver.received.values()].reduce((n, f) => n + f.requests, 0)}, dead deliveries ${dead}`,
      `uploads: ${uploadStats.retries} retries, ${uploadStats.duplicates} answered duplicate=true`,
      'service            kills  exits on their own (code: last output)',
      ...[...services.values()].map(
        (s) =>
          `  ${s.name.padEnd(18)} ${String(s.kills).padStart(3)}  ${s.selfExits.length}` +
          s.selfExits
            .slice(0, 3)
            .map(
              (e) =>
                `\n      exit ${e.code ?? e.signal} at ${((e.at - t0) / 1000).toFixed(0)}s: ${e.tail.replace(/\s+/g, ' ').slice(0, 300)}`,
            )
            .join(''),
      ),
      `outages: ${outages.map((o) => `${o.what} at ${(o.at / 1000).toFixed(0)}s for ${(o.downMs / 1000).toFixed(1)}s`).join(', ')}`,
      `load + chaos ${((chaosEnd - loadStart) / 1000).toFixed(0)} s, convergence ${(convergedAfter / 1000).toFixed(0)} s after the last fault`,
      '',
    ];
    process.stderr.write(lines.join('\n'));
    fs.writeFileSync(path.join(os.tmpdir(), `ajx-chaos-${SEED}.txt`), lines.join('\n'));

    for (const s of services.values()) expect(s.kills).toBe(KILLS_PER_SERVICE);
    expect(outages.map((o) => o.what).sort()).toEqual([...PROFILE.outages].sort());
    expect(dead).toBe(0);
    expect(checks.filter((c) => !ok(c)).map((c) => c.check)).toEqual([]);
  });
});
