import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSigner } from '@ajx/audit';
import { builtInRulePackBySpec, type Department } from '@ajx/authz';
import { CommonConfig } from '@ajx/config';
import { topicSpecs, Topics } from '@ajx/contracts';
import { SUPPORTED_INSURERS } from '@ajx/domain';
import { CredentialService, IdentityRepository, PrincipalService } from '@ajx/identity';
import { createKafka, readTopicToEnd, TopicAdmin } from '@ajx/messaging';
import { dataSourceOptions, ensureDatabase, migrate } from '@ajx/persistence';
import { Random } from '@ajx/simulation';
import { freePort, waitFor } from '@ajx/testing';
import { WebhookKeyFile, WebhookKeyring } from '@ajx/webhooks';
import { AssignerProtocol } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ClusterChaosInfra } from './support/cluster-infra';
import { hubChecks } from './support/hub-checks';
import { LagMonitor } from './support/lag-monitor';
import { generateLoad, type LoadFile, uploadWithRetries } from './support/load';
import { ok, Oracle } from './support/oracle';
import { RoundRobinSplitter } from './support/splitter';
import { servicePidFile, SupervisedService } from './support/supervisor';
import { WebhookReceiver } from './support/webhook-receiver';

/*
 * The cluster chaos run (npm run test:chaos -- --cluster, docs/reliability.md "Cluster run"). A three-broker KRaft
 * cluster (replication factor 3, min.insync.replicas=2, every producer acks=all) and two instances of every hub
 * service — gateway ×2 behind a round-robin splitter, normaliser ×2, router ×2, supervisor ×2, notifier ×2,
 * interchange ×2 (one active, one standby) — take the single-node run's load: ≥ 50,000 generated records of the four
 * insurers. Meanwhile one broker is killed with SIGKILL and restarted twice (the first time the KRaft quorum's
 * leader, the active controller), and a random instance of each service is killed with SIGKILL at random moments
 * (AJX_CHAOS_KILLS times). After convergence the hub is compared with the oracle exactly as the single-node run does
 * (support/hub-checks.ts), and the pause each fault caused (longest stall of a consumer group with lag, largest lag,
 * time until the lag is back) is reported. Reproduce with AJX_CHAOS_SEED=<seed printed at the start>.
 */

const SEED = process.env.AJX_CHAOS_SEED ?? randomBytes(4).toString('hex');
const RECORDS = Number(process.env.AJX_CHAOS_RECORDS ?? 50_000);
const PER_FILE = Number(process.env.AJX_CHAOS_FILE_RECORDS ?? 2_500);
const KILLS_PER_SERVICE = Number(process.env.AJX_CHAOS_KILLS ?? 2);
const BROKERS = 3;
const INSTANCES = 2;
const RULE_PACK = 'jining@2';
const PROVINCE = '37';
const SIM_KEY = 'sd-rt-2025';
const SIM_SECRET = 'sd-realtime-shared-secret-0123456789abcdef';
const ESCALATION_AFTER_MS = 5000;
const REGIONS = ['3708', '3301', '4401'];
const WEBHOOK_DEPARTMENTS = ['jn-rencheng-emergency', 'jn-coal', 'jn-zoucheng-coal', 'hz-shangcheng-construction'];
/** The hub's services, two instances each; the province simulator stands for the province's system (one). */
const SERVICES = ['gateway', 'normalizer', 'router', 'supervisor', 'interchange', 'notifier'] as const;
type ServiceName = (typeof SERVICES)[number];

jest.setTimeout(14 * 60_000);

const t0 = Date.now();
const log = (msg: string) => process.stderr.write(`[cluster-chaos ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seed {
  insurers: { id: string; name: string }[];
  departments: Department[];
  provinces: { id: string; name: string; regionCode: string }[];
}

interface Fault {
  fault: string;
  at: number;
  /** Broker faults: how long the node was down (kill to ready again). */
  downMs?: number;
}

/** Resident set size of a process in MiB (0 when it is gone). */
function rssMib(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe('cluster chaos: three brokers, two instances of every service, kill -9 a broker and an instance of each', () => {
  let infra: ClusterChaosInfra;
  let db: DataSource;
  let databaseUrl: string;
  const instances = new Map<ServiceName, SupervisedService[]>();
  let simulator: SupervisedService;
  let receiver: WebhookReceiver;
  let splitter: RoundRobinSplitter;
  let lag: LagMonitor;
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../deploy/demo/seed.json'), 'utf8')) as Seed;
  const tokens = new Map<string, string>();
  const maxRss = new Map<ServiceName, number>();

  const all = () => [...[...instances.values()].flat(), ...(simulator ? [simulator] : [])];

  beforeAll(async () => {
    log(`seed ${SEED} (AJX_CHAOS_SEED=${SEED} reproduces the load and the schedule), ${RECORDS} records`);
    infra = await ClusterChaosInfra.start(BROKERS);
    log(`private PostgreSQL :${infra.pg.port}, Redis :${infra.redis.port}, Kafka ${infra.kafka.brokers.join(',')}`);
    databaseUrl = `postgres://postgres@127.0.0.1:${infra.pg.port}/ajx_chaos`;
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    db = new DataSource(dataSourceOptions({ url: databaseUrl, poolSize: 3, applicationName: 'ajx-chaos' }));
    await db.initialize();
    const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: 'ajx-chaos' });
    // Replication factor from the brokers' default (3), min.insync.replicas=2 (deploy/kafka/local-kafka.cjs). Right
    // after the cluster formed, a broker may not know a new topic yet ("does not host this topic-partition"): ensure
    // is idempotent, so it is simply tried again.
    const specs = topicSpecs(SUPPORTED_INSURERS, {
      rawPartitions: 4,
      canonicalPartitions: 6,
      dlqPartitions: 1,
      canonicalRetentionMs: 86_400_000,
      dlqRetentionMs: 86_400_000,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await new TopicAdmin(kafka).ensure(specs);
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
        log(`topics not ready yet (${(err as Error).message}); again`);
        await sleep(1000);
      }
    }
    const audit = new AuditLog(new AuditRepository(db));
    const identity = new IdentityRepository(db);
    const principals = new PrincipalService(identity, audit);
    const credentials = new CredentialService(identity, audit);
    for (const i of seed.insurers) await principals.register({ id: i.id, type: 'insurer', name: i.name }, 'chaos');
    for (const d of seed.departments) {
      await principals.register({ id: d.id, type: 'department', name: d.name, department: { ...d } }, 'chaos');
    }
    for (const p of seed.provinces) {
      await principals.register({ id: p.id, type: 'province', name: p.name, regionCode: p.regionCode }, 'chaos');
    }
    for (const id of [...seed.insurers.map((i) => i.id), ...WEBHOOK_DEPARTMENTS])
      tokens.set(id, (await credentials.issue(id, { validDays: 1 }, 'chaos')).token);
  });

  afterAll(async () => {
    await lag?.stop().catch(() => undefined);
    for (const s of all()) await s.stop().catch(() => undefined);
    await splitter?.stop().catch(() => undefined);
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
      AJX_DATABASE_POOL_SIZE: 4,
      AJX_REDIS_URL: infra.redis.url,
      AJX_REDIS_PREFIX: 'ajxchaos',
      AJX_LOG_LEVEL: process.env.AJX_TEST_LOG_LEVEL ?? 'warn',
    });
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const envOf = (name: ServiceName, port: number): Record<string, string> => {
      switch (name) {
        case 'gateway':
          return {
            AJX_GATEWAY_PORT: String(port),
            AJX_UPLOAD_DIR: path.join(infra.dir, 'uploads'),
            AJX_AUDIT_KEY_FILE: keyFile,
            AJX_WEBHOOK_KEY_FILE: webhookKeyFile,
            AJX_RATE_LIMIT_PER_SECOND: '1000',
            AJX_RATE_LIMIT_BURST: '2000',
            AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
            AJX_RULE_PACK: RULE_PACK,
          };
        case 'normalizer':
          return { AJX_NORMALIZER_PORT: String(port) };
        case 'router':
          return { AJX_ROUTER_PORT: String(port), AJX_RULE_PACK: RULE_PACK, AJX_ROUTER_DIRECTORY_REFRESH_MS: '1000' };
        case 'supervisor':
          return { AJX_SUPERVISOR_PORT: String(port), AJX_RULE_PACK: RULE_PACK, AJX_SUPERVISOR_CONCURRENCY: '2' };
        case 'interchange':
          return {
            AJX_INTERCHANGE_PORT: String(port),
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
          };
        case 'notifier':
          return {
            AJX_NOTIFIER_PORT: String(port),
            AJX_ESCALATION_AFTER_MS: String(ESCALATION_AFTER_MS),
            AJX_NOTIFIER_POLL_MS: '250',
            AJX_WEBHOOK_KEY_FILE: webhookKeyFile,
            AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
            AJX_WEBHOOK_BACKOFF_BASE_MS: '200',
            AJX_WEBHOOK_BACKOFF_MAX_MS: '2000',
            AJX_WEBHOOK_MAX_ATTEMPTS: '100',
            AJX_WEBHOOK_TIMEOUT_MS: '5000',
          };
      }
    };
    const pidFile = servicePidFile(infra.dir);
    simulator = new SupervisedService(
      'province-simulator',
      'province-simulator',
      config,
      {
        AJX_PROVINCE_SIM_PORT: String(simPort),
        AJX_PROVINCE_CODE: PROVINCE,
        AJX_PROVINCE_SIM_SECRETS: `${SIM_KEY}:${SIM_SECRET}`,
        AJX_PROVINCE_SIM_SCHEMA: 'province_sim',
        AJX_CHAOS_RUN_DIR: infra.dir,
      },
      simPort,
      pidFile,
    );
    simulator.start();
    for (const name of SERVICES) {
      const list: SupervisedService[] = [];
      for (let i = 1; i <= INSTANCES; i++) {
        const port = await freePort();
        const s = new SupervisedService(
          `${name}-${i}`,
          name,
          config,
          { ...envOf(name, port), AJX_CHAOS_RUN_DIR: infra.dir },
          port,
          pidFile,
        );
        list.push(s);
        s.start();
      }
      instances.set(name, list);
    }
    await Promise.all(all().map((s) => s.ready(240_000)));
  }

  /** Every consumer group has INSTANCES members, each with at least one partition: the work is spread. */
  async function groupSpread(): Promise<{ group: string; members: number[] }[]> {
    const admin = createKafka({ brokers: infra.kafka.brokers, clientId: 'ajx-chaos-groups' }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const ids = groups.filter((g) => g.protocolType === 'consumer').map((g) => g.groupId);
      const described = await admin.describeGroups(ids);
      return described.groups.map((g) => ({
        group: g.groupId,
        members: g.members.map((m) => {
          const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return a ? Object.values(a.assignment).reduce((n, ps) => n + ps.length, 0) : 0;
        }),
      }));
    } finally {
      await admin.disconnect();
    }
  }

  async function uploadAll(files: LoadFile[], spreadMs: number): Promise<Map<string, string>> {
    const batchIds = new Map<string, string>();
    const queue = files.map((f, i) => ({ f, notBefore: Date.now() + (i * spreadMs) / files.length }));
    const deadline = Date.now() + 8 * 60_000;
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          await sleep(Math.max(0, next.notBefore - Date.now()));
          const r = await uploadWithRetries(splitter.url, tokens.get(next.f.insurer)!, next.f, deadline);
          batchIds.set(next.f.file, r.batchId);
          uploadStats.retries += r.attempts - 1;
          uploadStats.duplicates += r.duplicateAnswers;
        }
      }),
    );
    log(`uploaded ${files.length} files (${uploadStats.retries} retries, ${uploadStats.duplicates} duplicate=true)`);
    return batchIds;
  }
  const uploadStats = { retries: 0, duplicates: 0 };

  /**
   * The schedule: a random instance of each service killed KILLS_PER_SERVICE times; a broker killed twice — first
   * the quorum leader (active controller), then another node — each down 3–10 s and started again before the next
   * broker fault, so that two replicas of everything stay in sync.
   */
  async function chaos(rng: Random): Promise<Fault[]> {
    const actions: string[] = [];
    for (const s of SERVICES) for (let i = 0; i < KILLS_PER_SERVICE; i++) actions.push(s);
    actions.push('broker', 'broker');
    for (let i = actions.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [actions[i], actions[j]] = [actions[j], actions[i]];
    }
    const faults: Fault[] = [];
    let leaderKilled: number | null = null;
    for (const action of actions) {
      await sleep(rng.int(2000, 8000));
      if (action === 'broker') {
        const leader = infra.kafka.controllerLeader();
        const node: number =
          leaderKilled === null && leader !== null
            ? leader
            : rng.pick(infra.kafka.nodeIds.filter((n) => n !== leaderKilled));
        const downMs = rng.int(3000, 10_000);
        const at = Date.now();
        const what = node === leader ? `broker ${node} (controller leader)` : `broker ${node}`;
        log(`chaos: kill -9 ${what}, down ${downMs} ms`);
        await infra.kafka.kill9(node);
        if (leaderKilled === null) leaderKilled = node;
        await sleep(downMs);
        await infra.kafka.restart(node);
        log(`chaos: ${what} back after ${Date.now() - at} ms (new leader ${infra.kafka.controllerLeader()})`);
        faults.push({ fault: `kill -9 ${what}`, at, downMs: Date.now() - at });
      } else {
        const list = instances.get(action as ServiceName)!;
        const victim = rng.pick(list);
        log(`chaos: kill -9 ${victim.name}`);
        faults.push({ fault: `kill -9 ${victim.name}`, at: Date.now() });
        await victim.kill9();
      }
    }
    return faults;
  }

  interface Counts {
    events: number;
    views: number;
    dlq: number;
    province: number;
    webhooks: number;
    webhookFeed: number;
    openEscalations: number;
    incompleteBatches: number;
  }

  async function counts(batchIds: string[]): Promise<Counts> {
    const [c] = await db.query<Omit<Counts, 'province' | 'webhooks'>[]>(
      `SELECT (SELECT count(*)::int FROM canonical_events) AS events,
              (SELECT count(*)::int FROM dept_views) AS views,
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

  it('loses nothing and duplicates nothing on a cluster, and reports the pause each fault caused', async () => {
    const rng = new Random(`cluster-chaos-${SEED}`);
    const files = await generateLoad({
      dir: path.join(infra.dir, 'load'),
      seed: SEED,
      records: RECORDS,
      perFile: PER_FILE,
      regionPrefixes: REGIONS,
    });
    const oracle = new Oracle(files, builtInRulePackBySpec(RULE_PACK), seed.departments);
    const rejectsExpected = files.reduce((n, f) => n + f.rejects.length, 0);
    log(`generated ${files.length} files: ${oracle.events.length} versions of ${oracle.latest.size} records`);

    const secrets = new Map(WEBHOOK_DEPARTMENTS.map((d) => [d, `whsec-${d}-${SEED}-0123456789abcdef`]));
    receiver = new WebhookReceiver(secrets);
    await receiver.start();
    await startServices();
    splitter = new RoundRobinSplitter(() => instances.get('gateway')!.map((g) => g.port));
    await splitter.start();
    log(`services ready: ${all().length} processes; gateways behind ${splitter.url}`);
    const rssTimer = setInterval(() => {
      for (const [name, list] of instances)
        for (const s of list) {
          const mib = s.current ? rssMib(s.current.pid) : 0;
          if (mib > (maxRss.get(name) ?? 0)) maxRss.set(name, mib);
        }
    }, 2000);

    for (const d of WEBHOOK_DEPARTMENTS) {
      const res = await fetch(`${splitter.url}/v1/dept/webhook`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.get(d)!}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.urlFor(d), secret: secrets.get(d) }),
      });
      expect(res.status).toBeLessThan(300);
    }
    await waitFor(
      async () => {
        const [{ done }] = await db.query<{ done: number }[]>(
          `SELECT count(*)::int AS done FROM projection_jobs WHERE status = 'done'`,
        );
        return done === seed.departments.length;
      },
      { what: 'the router to project the new departments', timeoutMs: 180_000, intervalMs: 500 },
    );

    // Before any fault: every consumer group has both instances as members, each with partitions of its own.
    let spread: { group: string; members: number[] }[] = [];
    await waitFor(
      async () => {
        spread = await groupSpread().catch(() => []);
        return (
          spread.length > 0 && spread.every((g) => g.members.length === INSTANCES && g.members.every((n) => n > 0))
        );
      },
      { what: 'both instances of every consumer group to hold partitions', timeoutMs: 120_000, intervalMs: 1000 },
    );
    log(`partitions per member: ${spread.map((g) => `${g.group} ${g.members.join('+')}`).join(', ')}`);

    lag = new LagMonitor(infra.kafka.brokers);
    lag.start();
    const loadStart = Date.now();
    const [batchIds, faults] = await Promise.all([uploadAll(files, 120_000), chaos(rng.fork('schedule'))]);
    const chaosEnd = Date.now();
    log(`chaos over after ${((chaosEnd - loadStart) / 1000).toFixed(0)} s; waiting for convergence`);

    const expectedTotals = {
      events: oracle.events.length,
      views: oracle.viewRows().length,
      dlq: rejectsExpected,
      province: oracle.provinceEvents(PROVINCE).length,
    };
    const deadline = Date.now() + 7 * 60_000;
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
        c.webhooks === c.webhookFeed;
      // A gateway killed while publishing holds its batches' publishing lease for 60 s before another instance
      // resumes them (apps/gateway raw-batch.publisher.ts): "nothing changes" must outlast that lease.
      if ((matches && Date.now() - stableSince > 6000) || Date.now() - stableSince > 90_000) break;
      if (Date.now() > deadline) break;
      await sleep(2000);
    }
    const convergedAfter = Date.now() - chaosEnd;
    log(`converged ${(convergedAfter / 1000).toFixed(0)} s after the chaos: ${last}`);
    clearInterval(rssTimer);
    await lag.stop();
    const pauses = lag.pauses(faults, Date.now());
    const residual = await lag.residualLag().catch((err: Error) => [`(could not read: ${err.message})`]);

    const checks = await hubChecks({
      db,
      oracle,
      batchIds,
      receiver,
      province: PROVINCE,
      webhookDepartments: WEBHOOK_DEPARTMENTS,
    });
    const [{ dead }] = await db.query<{ dead: number }[]>(
      `SELECT count(*)::int AS dead FROM webhook_deliveries WHERE state = 'dead'`,
    );
    const [{ findings }] = await db.query<{ findings: number }[]>(
      `SELECT count(*)::int AS findings FROM supervision_findings`,
    );
    // Storage per row of the biggest tables, for the sizing arithmetic of docs/deployment.md.
    const storage = await db.query<{ t: string; rows: number; bytes: number }[]>(
      `SELECT t, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', t), false, true, '')))[1]::text::int AS rows,
              pg_total_relation_size(t)::bigint::float8 AS bytes
       FROM unnest(ARRAY['canonical_events', 'canonical_records', 'dept_views', 'dept_feed', 'batch_outcomes']) AS t`,
    );
    const [{ dbBytes }] = await db.query<{ dbBytes: number }[]>(
      `SELECT pg_database_size(current_database())::float8 AS "dbBytes"`,
    );
    // When something is missing: were the stored events that no department got ever on the canonical topic?
    const diagnosis: string[] = [];
    if (checks.some((c) => !ok(c))) {
      const onTopic = new Set<string>();
      await readTopicToEnd(
        createKafka({ brokers: infra.kafka.brokers, clientId: 'ajx-chaos-diagnosis' }),
        Topics.canonical,
        (m) => onTopic.add(m.headers.ce_id),
        { timeoutMs: 120_000 },
      ).catch((err: Error) => diagnosis.push(`could not read ${Topics.canonical}: ${err.message}`));
      const unrouted = await db.query<{ id: string }[]>(
        `SELECT e.event_id AS id FROM canonical_events e
         WHERE NOT EXISTS (SELECT 1 FROM route_records r WHERE r.kind = e.kind AND r.insurer = e.insurer
                             AND r.subject = e.subject AND r.version >= e.version)`,
      );
      const stored = await db.query<{ id: string }[]>(`SELECT event_id AS id FROM canonical_events`);
      diagnosis.push(
        `canonical topic: ${onTopic.size} distinct events; stored events not on it: ${stored.filter((r) => !onTopic.has(r.id)).length}; ` +
          `stored events never routed: ${unrouted.length}, of them on the topic: ${unrouted.filter((r) => onTopic.has(r.id)).length}`,
      );
    }
    const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : (ms / 1000).toFixed(1));

    const lines = [
      '',
      `cluster chaos run, seed ${SEED}: ${files.length} files, ${RECORDS} records, ${BROKERS} brokers, ` +
        `${INSTANCES} instances per service, ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)})`,
      `${'check'.padEnd(72)} ${'expected'.padStart(9)} ${'found'.padStart(9)}`,
      ...checks.map(
        (c) =>
          `${(ok(c) ? '  ok ' : 'FAIL ') + c.check.padEnd(67)} ${String(c.expected).padStart(9)} ${String(c.found).padStart(9)}` +
          (ok(c) ? '' : `\n      missing ${JSON.stringify(c.missing)}\n      extra ${JSON.stringify(c.extra)}`),
      ),
      `supervision findings ${findings}; webhook requests (incl. retries) ${[...receiver.received.values()].reduce((n, f) => n + f.requests, 0)}, dead deliveries ${dead}`,
      `uploads through the splitter: ${uploadStats.retries} retries, ${uploadStats.duplicates} answered duplicate=true; connections per gateway ${splitter.connections.join(' / ')}`,
      `storage: ${storage.map((r) => `${r.t} ${r.rows} rows, ${Math.round(r.bytes / Math.max(1, r.rows))} B/row`).join('; ')}; database ${(dbBytes / 2 ** 20).toFixed(0)} MiB`,
      `lag left at the end: ${residual.length ? residual.join('; ') : 'none'}`,
      ...diagnosis,
      `partitions per member before the faults: ${spread.map((g) => `${g.group} ${g.members.join('+')}`).join(', ')}`,
      'fault (at)                                    down s  longest stall s (group)               max lag (group)                   back s',
      ...pauses.map((p) => {
        const f = faults.find((x) => x.at === p.at)!;
        return (
          `  ${`${p.fault} (${((p.at - t0) / 1000).toFixed(0)}s)`.padEnd(44)} ${secs(f.downMs).padStart(6)}  ` +
          `${`${secs(p.stallMs)} (${p.group || '—'})`.padEnd(37)} ${`${p.maxLag} (${p.maxLagGroup || '—'})`.padEnd(33)} ${secs(p.convergeMs).padStart(6)}`
        );
      }),
      'service            kills  exits on their own   max RSS MiB (any instance)',
      ...SERVICES.map((name) => {
        const list = instances.get(name)!;
        const kills = list.reduce((n, s) => n + s.kills, 0);
        const self = list.flatMap((s) => s.selfExits);
        return (
          `  ${name.padEnd(18)} ${String(kills).padStart(3)}  ${String(self.length).padStart(3)}                 ${(maxRss.get(name) ?? 0).toFixed(0).padStart(5)}` +
          self
            .slice(0, 3)
            .map(
              (e) =>
                `\n      exit ${e.code ?? e.signal} at ${((e.at - t0) / 1000).toFixed(0)}s: ${e.tail.replace(/\s+/g, ' ').slice(0, 300)}`,
            )
            .join('')
        );
      }),
      `load + chaos ${((chaosEnd - loadStart) / 1000).toFixed(0)} s, convergence ${(convergedAfter / 1000).toFixed(0)} s after the last fault, run ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      '',
    ];
    process.stderr.write(lines.join('\n'));
    fs.writeFileSync(path.join(os.tmpdir(), `ajx-cluster-chaos-${SEED}.txt`), lines.join('\n'));
    // The services' own output (level AJX_TEST_LOG_LEVEL, warn) of the instances running at the end, for a failure.
    for (const inst of all())
      fs.writeFileSync(
        path.join(os.tmpdir(), `ajx-cluster-chaos-${SEED}-${inst.name}.log`),
        inst.current?.output().slice(-200_000) ?? '',
      );

    for (const name of SERVICES) {
      expect(instances.get(name)!.reduce((n, s) => n + s.kills, 0)).toBe(KILLS_PER_SERVICE);
    }
    // Two broker kills, the first of the controller leader (the second may hit the new leader too).
    const brokerFaults = faults.filter((f) => f.fault.includes('broker'));
    expect(brokerFaults).toHaveLength(2);
    expect(brokerFaults[0].fault).toContain('controller leader');
    expect(dead).toBe(0);
    expect(checks.filter((c) => !ok(c)).map((c) => c.check)).toEqual([]);
  });
});
