#!/usr/bin/env node
'use strict';
/*
 * Runs the whole hub in the foreground on this machine: the local Kafka broker (started here unless one is
 * already running from var/kafka), migrations, topics, seed data, every service, and the demo scenario.
 * Ctrl-C stops what this script started. Called by `npm run demo` after scripts/bootstrap.sh and the build.
 */
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const localKafka = require('../deploy/kafka/local-kafka.cjs');

const ROOT = path.join(__dirname, '..');
const KAFKA_PORT = Number(process.env.AJX_DEMO_KAFKA_PORT || 9092);
const KAFKA_DIR = path.join(ROOT, 'var', 'kafka');
const DEMO_DIR = path.join(ROOT, 'var', 'demo');
const TOKENS = path.join(DEMO_DIR, 'tokens.json');
const PROVINCE_SIM_PORT = 3090;
const INTERCHANGE_PORT = 3003;
// The key the hub and the simulated provincial system share (both directions); for this machine only.
const INTERCHANGE_KEY = {
  keyId: 'demo-2025',
  secret: process.env.AJX_DEMO_INTERCHANGE_SECRET || 'ajx-demo-interchange-secret-not-for-production',
};

const env = {
  ...process.env,
  AJX_KAFKA_BROKERS: process.env.AJX_KAFKA_BROKERS || `127.0.0.1:${KAFKA_PORT}`,
  AJX_DATABASE_URL: process.env.AJX_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/ajx_demo',
  AJX_REDIS_URL: process.env.AJX_REDIS_URL || 'redis://127.0.0.1:6379',
  AJX_REDIS_PREFIX: process.env.AJX_REDIS_PREFIX || 'ajx-demo',
  AJX_LOG_LEVEL: process.env.AJX_LOG_LEVEL || 'info',
  AJX_RULE_PACK: process.env.AJX_RULE_PACK || 'jining@2',
  // The demo's webhook receivers run on this machine (loopback); production keeps private targets refused.
  AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: process.env.AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS || 'true',
  AJX_AUDIT_KEY_FILE: process.env.AJX_AUDIT_KEY_FILE || path.join(DEMO_DIR, 'audit-key.pem'),
  AJX_WEBHOOK_KEY_FILE: process.env.AJX_WEBHOOK_KEY_FILE || path.join(DEMO_DIR, 'webhook-keys'),
  AJX_UPLOAD_DIR: process.env.AJX_UPLOAD_DIR || path.join(DEMO_DIR, 'uploads'),
  // Zhejiang's provincial system (the simulator below) gets every event of province 33 in real time; the gateway
  // uses the same list to authenticate its pulls and reconciliation reports (docs/interchange.md).
  AJX_INTERCHANGE_SENDER: process.env.AJX_INTERCHANGE_SENDER || 'hub-demo',
  AJX_INTERCHANGE_ENDPOINTS:
    process.env.AJX_INTERCHANGE_ENDPOINTS ||
    JSON.stringify([
      {
        id: 'zj',
        url: `http://127.0.0.1:${PROVINCE_SIM_PORT}`,
        province: '33',
        principal: 'province-zj',
        mode: 'realtime',
        ...INTERCHANGE_KEY,
      },
    ]),
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
};

/** Services of the demo, their HTTP ports and entry points (compiled). */
const SERVICES = [
  { name: 'gateway', port: 3000, portVar: 'AJX_GATEWAY_PORT' },
  { name: 'normalizer', port: 3001, portVar: 'AJX_NORMALIZER_PORT' },
  { name: 'router', port: 3002, portVar: 'AJX_ROUTER_PORT' },
  { name: 'interchange', port: INTERCHANGE_PORT, portVar: 'AJX_INTERCHANGE_PORT' },
  { name: 'notifier', port: 3004, portVar: 'AJX_NOTIFIER_PORT' },
  // Supervision (监管): findings and figures of the rule pack, re-evaluated per batch and every day at 00:05.
  { name: 'supervisor', port: 3006, portVar: 'AJX_SUPERVISOR_PORT' },
  // Stand-in for the provincial system (docs/interchange.md); it reports mismatches to (and pulls from) the gateway.
  {
    name: 'province-simulator',
    port: PROVINCE_SIM_PORT,
    portVar: 'AJX_PROVINCE_SIM_PORT',
    env: {
      AJX_PROVINCE_CODE: process.env.AJX_PROVINCE_CODE || '33',
      AJX_PROVINCE_SIM_SECRETS:
        process.env.AJX_PROVINCE_SIM_SECRETS || `${INTERCHANGE_KEY.keyId}:${INTERCHANGE_KEY.secret}`,
      AJX_PROVINCE_SIM_HUB_URL: 'http://127.0.0.1:3000',
    },
  },
];

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const say = (msg) => process.stderr.write(`\x1b[1m[demo]\x1b[0m ${msg}\n`);
const children = [];
let startedKafka = false;
let stopping = false;

function prefixLines(stream, label, color) {
  const rl = readline.createInterface({ input: stream });
  rl.on('line', (line) => {
    let text = line;
    try {
      const j = JSON.parse(line);
      const lvl = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }[j.level] || j.level;
      const req = j.req ? ` ${j.req.method} ${j.req.url} → ${j.res ? j.res.statusCode : ''}` : '';
      text = `${lvl} ${j.context ? `[${j.context}] ` : ''}${j.msg || ''}${req}`;
    } catch {
      /* not JSON: print as is */
    }
    process.stdout.write(`${color}${label.padEnd(18)}\x1b[0m ${text}\n`);
  });
}

function ajx(args) {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ajx.js'), ...args], { env, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`ajx ${args.join(' ')} failed (exit ${res.status})`);
}

/**
 * Console users of the demo (docs/console.md), all with the demo password (AJX_DEMO_PASSWORD): created on the first
 * run, their password set again on later ones (which also lifts a lockout).
 */
const DEMO_USERS = [
  ['rencheng-zhang', 'jn-rencheng-emergency', '张科长（任城区应急管理局）'],
  ['jining-wang', 'jn-emergency', '王处长（济宁市应急管理局）'],
  ['shangcheng-li', 'hz-shangcheng-emergency', '李科长（上城区应急管理局）'],
  ['pingan-chen', 'PINGAN', '陈工（平安产险）'],
  ['picc-liu', 'PICC', '刘工（人保财险）'],
  ['ops-zhao', 'ops', '赵工（运维）'],
];

function demoUsers() {
  const password = process.env.AJX_DEMO_PASSWORD || 'ajx-demo-2026-console';
  const run = (args) =>
    spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ajx.js'), ...args], {
      env,
      input: `${password}\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  return DEMO_USERS.map(([username, principal, who]) => {
    const added = run([
      'users',
      'add',
      '--username',
      username,
      '--principal',
      principal,
      '--name',
      who,
      '--password-stdin',
    ]);
    if (added.status !== 0) {
      const reset = run(['users', 'reset', username, '--password-stdin']);
      if (reset.status !== 0) throw new Error(`ajx users add/reset ${username} failed: ${String(added.stderr)}`);
    }
    return { username, password, who };
  });
}

async function waitReady(svc, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${svc.port}/health/ready`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${svc.name} did not become ready on port ${svc.port}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function startService(svc, i) {
  const entry = path.join(ROOT, 'dist', 'apps', svc.name, 'src', 'main.js');
  // The services' memory budget, as deployments set it (docs/benchmarks.md: RSS stays under 300 MB).
  const heap = [`--max-old-space-size=${process.env.AJX_SERVICE_HEAP_MB || 384}`, '--max-semi-space-size=16'];
  const child = spawn(process.execPath, [...heap, entry], {
    env: { ...env, ...svc.env, [svc.portVar]: String(svc.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const color = COLORS[i % COLORS.length];
  prefixLines(child.stdout, svc.name, color);
  prefixLines(child.stderr, svc.name, color);
  child.on('exit', (code, signal) => {
    if (!stopping) say(`${svc.name} exited (${signal || code}); stopping the demo`);
    if (!stopping) void shutdown(1);
  });
  children.push(child);
  return child;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping services…');
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((r) => {
          if (c.exitCode !== null) return r();
          const t = setTimeout(() => (c.kill('SIGKILL'), r()), 10000);
          c.on('exit', () => (clearTimeout(t), r()));
        }),
    ),
  );
  if (startedKafka) {
    say('stopping Kafka…');
    await localKafka.stopBroker(KAFKA_DIR);
  }
  process.exit(code);
}

async function checkPostgresAndRedis() {
  const { Client } = require('pg');
  const Redis = require('ioredis');
  const pgUrl = new URL(env.AJX_DATABASE_URL);
  pgUrl.pathname = '/postgres';
  const client = new Client({ connectionString: pgUrl.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${pgUrl.host} (${err.message}). Start it, e.g. on Debian: ` +
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start — or set AJX_DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(env.AJX_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${env.AJX_REDIS_URL} (${err.message}). Start it, e.g.: ` +
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 — or set AJX_REDIS_URL.',
    );
  } finally {
    redis.disconnect();
  }
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await checkPostgresAndRedis();

  if (await localKafka.isReady([`127.0.0.1:${KAFKA_PORT}`])) {
    say(`using the Kafka broker already running on 127.0.0.1:${KAFKA_PORT}`);
  } else {
    say(`starting local Kafka ${localKafka.KAFKA_VERSION} on 127.0.0.1:${KAFKA_PORT} (data in var/kafka)`);
    await localKafka.startBroker({ dataDir: KAFKA_DIR, port: KAFKA_PORT });
    startedKafka = true;
  }
  say('migrating the database, creating topics, seeding principals (Jining and Hangzhou departments)');
  ajx(['db', 'migrate']);
  ajx(['topics', 'ensure']);
  if (!require('node:fs').existsSync(env.AJX_AUDIT_KEY_FILE)) ajx(['audit', 'keygen', '--out', env.AJX_AUDIT_KEY_FILE]);
  if (!require('node:fs').existsSync(env.AJX_WEBHOOK_KEY_FILE))
    ajx(['keys', 'generate', '--out', env.AJX_WEBHOOK_KEY_FILE]);
  ajx(['seed', '--file', path.join(ROOT, 'deploy', 'demo', 'seed.json'), '--tokens-out', TOKENS]);
  const users = demoUsers();
  SERVICES.forEach(startService);
  await Promise.all(SERVICES.map((s) => waitReady(s)));
  say('all services ready:');
  for (const s of SERVICES) say(`  ${s.name.padEnd(18)} http://127.0.0.1:${s.port}  (/health/ready, /metrics)`);
  say(
    `tokens of every demo principal: ${path.relative(ROOT, TOKENS)} (e.g. curl -H "Authorization: Bearer <token>" http://127.0.0.1:3000/v1/dept/hazards)`,
  );
  say('web console: http://127.0.0.1:3000/console/ (docs/console.md) — demo users and their password:');
  for (const u of users) say(`  ${u.username.padEnd(24)} ${u.password}  ${u.who}`);
  say(
    'API docs: http://127.0.0.1:3000/docs — the simulated departments and insurers start now (register, history, ' +
      "then today's activity). Ctrl-C stops the demo.",
  );
  say(
    `interchange: Zhejiang's provincial system (simulator, http://127.0.0.1:${PROVINCE_SIM_PORT}/control/stats) ` +
      `receives province 33 in real time; status at http://127.0.0.1:${INTERCHANGE_PORT}/interchange/status`,
  );
  startInsurers();
  setInterval(() => void printViews().then(printInterchange), 15000).unref();
  setTimeout(() => void makeReport(3), 60000).unref();
}

/** The ISO week (`2026-W49`) of a date `YYYY-MM-DD`. */
function isoWeek(date) {
  const d = new Date(`${date}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (4 - (d.getUTCDay() || 7)) * 86400000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86400000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * A report on demand once the history is in (docs/reports.md): 任城区's weekly report of last week, as
 * `ajx reports run` makes it with the operator's token, and where to download it (with a department's token).
 */
async function makeReport(attempts) {
  if (stopping) return;
  const today = process.env.AJX_DEMO_TODAY || new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const week = isoWeek(new Date(Date.parse(`${today}T00:00:00Z`) - 7 * 86400000).toISOString().slice(0, 10));
  const tokens = JSON.parse(require('node:fs').readFileSync(TOKENS, 'utf8'));
  const args = ['reports', 'run', '--kind', 'weekly', '--county', '370811', '--week', week];
  say(`making a report on demand: ajx ${args.join(' ')}`);
  const res = await new Promise((resolve) =>
    require('node:child_process').execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'ajx.js'), ...args, '--token', tokens.ops.token],
      { env, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ status: err ? 1 : 0, stdout, stderr }),
    ),
  );
  if (res.status !== 0) {
    say(`the report was not made (${(res.stderr || '').trim()})${attempts > 1 ? '; trying again in 30 s' : ''}`);
    if (attempts > 1) setTimeout(() => void makeReport(attempts - 1), 30000).unref();
    return;
  }
  say(`任城区 weekly report ${week} (周报), download with a department's token (jn-rencheng-emergency, jn-emergency):`);
  for (const url of res.stdout.trim().split('\n')) say(`  curl -OJ -H "Authorization: Bearer <token>" ${url}`);
}

/**
 * Simulated insurers playing the supervision scenario (docs/supervision.md "The demo's scenario"): the Jining and
 * Hangzhou emergency departments submit the must-insure register, the four insurers deliver the history, then
 * today's activity every 5 s, through the gateway with each principal's token. The scenario is built around today
 * in Beijing with a seed of the day (AJX_DEMO_TODAY and AJX_DEMO_SEED reproduce another one): on another day the
 * demo adds that day's scenario instead of re-sending yesterday's records with other content.
 */
function startInsurers() {
  const today = process.env.AJX_DEMO_TODAY || new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const seed = process.env.AJX_DEMO_SEED || `demo-${today}`;
  say(`supervision scenario: seed ${seed}, today ${today}`);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'ajx.js'),
      'simulate',
      '--scenario',
      '--url',
      'http://127.0.0.1:3000',
      '--tokens',
      TOKENS,
      '--today',
      today,
      '--seed',
      seed,
      '--interval-ms',
      '5000',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prefixLines(child.stdout, 'insurers', '\x1b[97m');
  prefixLines(child.stderr, 'insurers', '\x1b[97m');
  children.push(child);
}

/** How the department views fill up. */
async function printViews() {
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.AJX_DATABASE_URL });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT department_id, count(*) FILTER (WHERE kind = 'policy') AS policies, count(*) FILTER (WHERE kind = 'service') AS services,
              count(*) FILTER (WHERE kind = 'hazard') AS hazards, count(*) FILTER (WHERE kind = 'accident') AS accidents,
              count(*) FILTER (WHERE kind = 'claim') AS claims, count(*) FILTER (WHERE urgent) AS urgent
       FROM dept_views GROUP BY department_id ORDER BY department_id`,
    );
    say('department views (policies / services / hazards / accidents / claims / urgent):');
    for (const r of rows)
      say(
        `  ${r.department_id.padEnd(28)} ${r.policies} / ${r.services} / ${r.hazards} / ${r.accidents} / ${r.claims} / ${r.urgent}`,
      );
    const findings = await client.query(
      `SELECT department_id, count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'resolved') AS resolved,
              string_agg(DISTINCT level, ',' ORDER BY level) FILTER (WHERE status = 'open') AS rules
       FROM dept_views WHERE kind = 'finding' GROUP BY department_id ORDER BY department_id`,
    );
    if (findings.rows.length) {
      say('supervision findings per department (open / resolved; rules open):');
      for (const r of findings.rows) say(`  ${r.department_id.padEnd(28)} ${r.open} / ${r.resolved}  ${r.rules ?? ''}`);
    }
  } catch (err) {
    say(`could not read the views: ${err.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** How the provincial interchange keeps up: the hub's watermark and what the simulated province holds. */
async function printInterchange() {
  if (stopping) return;
  try {
    const status = await (await fetch(`http://127.0.0.1:${INTERCHANGE_PORT}/interchange/status`)).json();
    const stats = await (await fetch(`http://127.0.0.1:${PROVINCE_SIM_PORT}/control/stats`)).json();
    for (const e of status.endpoints) {
      const flight = e.inFlight ? `, batch in flight (attempt ${e.inFlight.attempts + 1})` : '';
      const halted = e.halted ? `, HALTED: ${e.halted.reason}` : '';
      say(
        `interchange ${e.id} → province ${e.province} (${e.mode}): watermark ${e.watermark}, ` +
          `${e.acknowledged.entries} entries in ${e.acknowledged.batches} acknowledged batches${flight}${halted}`,
      );
    }
    say(
      `  province simulator log: ${stats.entries} entries, ${stats.distinctEvents} distinct events, ` +
        `${stats.duplicateEntries} duplicates, ${stats.orderViolations} order violations, watermark ${stats.watermark}`,
    );
  } catch (err) {
    say(`could not read the interchange status: ${err.message}`);
  }
}

main().catch((err) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
