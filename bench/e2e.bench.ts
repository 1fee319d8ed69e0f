import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileParserFor, SUPPORTED_INSURERS } from '@ajx/domain';
import { simulateFile } from '@ajx/simulation';
import type { Kafka } from 'kafkajs';
import { type Ceiling, loadLimitRecords, runCeilings } from './limit.bench';
import { runKafkaConnectPeer } from './support/kafka-connect-peer';
import { cpuOfPostgres, ProcMonitor } from './support/proc-stats';
import { type BenchStack, startBenchStack } from './support/bench-stack';

/*
 * npm run bench:e2e [-- --records 200000 --file-records 5000 --province 33]
 * npm run bench:e2e -- --rate 1000 --duration 60          (fixed rate: latency under steady load)
 *   --heap-mb N   V8 old-space budget of each service (default 384, as deploy/docker sets it; 0 = Node's default)
 *   --semi-mb N   V8 semi-space of each service with --heap-mb (default 16, as deploy/docker sets it)
 *   --overlap-projections  start the load without waiting for the departments' first projections (as before
 *                 2026-12-07: how the earlier figures were taken)
 * npm run bench:e2e -- --cluster 3 --instances 1,2 --records 50000   (scaling: the same records, one fresh hub on a
 *                 3-broker cluster per instance count, one after the other in the same run; docs/deployment.md)
 *
 * Native files for all four insurers (realistic mix of policies, services and hazards, versions, ~2 % defects) are
 * generated first (not timed), then pushed through the gateway into a hub of its own (gateway, normaliser, router as
 * separate processes, a whole province of departments), and measured until every entitled department view is
 * written. Then, in the same run, the ceilings (limit.bench.ts: produce, consume, eachBatch → INSERT, eachBatch → COPY)
 * and the peer (support/kafka-connect-peer.ts: Kafka Connect with Debezium's JDBC sink) on the same records.
 *   --no-limit  skip the ceilings and the peer;  --no-peer  skip the peer only
 *   --supervisor  run the supervision service too (its own consumer group on the canonical topic, as deployed): its
 *                 CPU and RSS are printed and counted, and the run waits for its lag as well
 * AJX_* settings in the environment reach every service of the hub (A/B runs of a setting, e.g.
 *   AJX_KAFKA_FETCH_MIN_BYTES=65536 npm run bench:e2e -- --rate 1000 --duration 30).
 */

interface Args {
  records: number;
  fileRecords: number;
  rate: number;
  duration: number;
  province: string;
  limit: boolean;
  peer: boolean;
  heapMb: number;
  semiMb: number;
  overlapProjections: boolean;
  brokers: number;
  instances: number[];
  supervisor: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  return {
    records: Number(get('records', '200000')),
    fileRecords: Number(get('file-records', '5000')),
    rate: Number(get('rate', '0')),
    duration: Number(get('duration', '60')),
    province: get('province', '33'),
    limit: !argv.includes('--no-limit'),
    peer: !argv.includes('--no-peer'),
    overlapProjections: argv.includes('--overlap-projections'),
    supervisor: argv.includes('--supervisor'),
    heapMb: Number(get('heap-mb', '384')),
    semiMb: Number(get('semi-mb', '16')),
    brokers: Number(get('cluster', '1')),
    instances: get('instances', '1')
      .split(',')
      .map(Number)
      .filter((n) => n >= 1),
  };
}

const log = (msg: string) => process.stderr.write(`[bench:e2e] ${msg}\n`);
const KINDS = ['policy', 'service', 'hazard'] as const;

interface PreparedFile {
  insurer: string;
  file: string;
  records: number;
}

async function prepareFiles(dir: string, total: number, perFile: number, province: string): Promise<PreparedFile[]> {
  const files: PreparedFile[] = [];
  const perInsurer = Math.ceil(total / SUPPORTED_INSURERS.length);
  for (const insurer of SUPPORTED_INSURERS) {
    for (let n = 0, made = 0; made < perInsurer; n++) {
      const records = Math.min(perFile, perInsurer - made);
      const sim = simulateFile({
        insurer,
        seed: `bench-${insurer}-${n}`,
        records,
        kind: KINDS[n % KINDS.length],
        regionPrefixes: [province],
        defectRate: 0.02,
        noise: 0.02,
      });
      const file = path.join(dir, `${insurer}-${n}`);
      const out = fs.createWriteStream(file);
      for await (const chunk of sim.chunks())
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      await new Promise<void>((r) => out.end(() => r()));
      files.push({ insurer, file, records });
      made += records;
    }
  }
  return files;
}

let uploads = 0;

/** Uploads go to the gateways in turn (one, or every instance with --instances). */
async function upload(stack: BenchStack, f: PreparedFile): Promise<string> {
  const gateways = [
    stack.gatewayUrl,
    ...stack.moreServices.filter((s) => s.name === 'gateway').map((s) => `http://127.0.0.1:${s.port}`),
  ];
  const res = await fetch(`${gateways[uploads++ % gateways.length]}/v1/ingest/${f.insurer}/files`, {
    method: 'POST',
    headers: {
      'content-type': fileParserFor(f.insurer)!.contentTypes[0],
      authorization: `Bearer ${stack.tokens[f.insurer]}`,
    },
    body: fs.readFileSync(f.file),
  });
  const body = (await res.json()) as { batchId: string; message?: string };
  if (res.status !== 202) throw new Error(`upload of ${f.file} answered ${res.status}: ${body.message}`);
  return body.batchId;
}

async function groupLag(kafka: Kafka, groupId: string, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of ends) {
        const c = committed?.partitions.find((x) => x.partition === p.partition);
        const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
        lag += Number(p.high) - at;
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

interface LagSample {
  t: number;
  normalizer: number;
  router: number;
  supervisor?: number;
}

async function waitUntilDrained(stack: BenchStack, expectedBatches: string[], lagSeries: LagSample[], t0: number) {
  const rawTopics = SUPPORTED_INSURERS.map((i) => `ajx.raw.v1.${i}`);
  for (;;) {
    const [{ open }] = await stack.db.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM ingest_batches b
       WHERE b.batch_id = ANY($1::uuid[]) AND (b.status <> 'published'
         OR (SELECT count(*) FROM batch_outcomes o WHERE o.batch_id = b.batch_id AND o.record_index > 0) < b.records)`,
      [expectedBatches],
    );
    const normalizer = await groupLag(stack.kafka, 'ajx.normalizer', rawTopics);
    const router = await groupLag(stack.kafka, 'ajx.router', ['ajx.canonical.v1']);
    const supervisor = stack.supervisor
      ? await groupLag(stack.kafka, 'ajx.supervisor', ['ajx.canonical.v1'])
      : undefined;
    lagSeries.push({ t: Math.round((Date.now() - t0) / 1000), normalizer, router, supervisor });
    if (open === 0 && normalizer === 0 && router === 0 && !supervisor) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface Latency {
  entries: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

async function latency(db: BenchStack['db'], since: Date): Promise<Latency> {
  const [r] = await db.query<Latency[]>(
    `SELECT count(*)::int AS entries,
            round(percentile_cont(0.50) WITHIN GROUP (ORDER BY ms))::int AS p50,
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms))::int AS p95,
            round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::int AS p99,
            round(max(ms))::int AS max
     FROM (SELECT extract(epoch FROM (at - accepted_at)) * 1000 AS ms FROM dept_feed WHERE accepted_at >= $1) x`,
    [since],
  );
  return r;
}

/** Slices handled by a consumer service, from its Prometheus metrics: count, mean size, mean time. */
async function sliceStats(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const count = value('ajx_consumer_slice_seconds_count');
  if (!count) return 'no slices';
  const secs = value('ajx_consumer_slice_seconds_sum');
  const msgs = value('ajx_consumer_slice_messages_sum');
  return `${count} slices, ${(msgs / count).toFixed(0)} messages and ${((secs / count) * 1000).toFixed(0)} ms each`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.instances.length === 1) {
    await runOnce(args, args.instances[0]);
    return;
  }
  // Scaling: the same records through a fresh hub per instance count; the limit is not run (it has no instances).
  const results: [number, number][] = [];
  for (const n of args.instances) results.push([n, await runOnce({ ...args, limit: false }, n)]);
  const [base] = results;
  process.stdout.write(
    `\nscaling (${args.brokers} broker${args.brokers > 1 ? 's' : ''}, ${args.records} records, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}):\n`,
  );
  for (const [n, rps] of results)
    process.stdout.write(`  ${n} instance(s) per service: ${rps} records/s (× ${(rps / base[1]).toFixed(2)})\n`);
}

async function runOnce(args: Args, instances: number): Promise<number> {
  const stack = await startBenchStack({
    province: args.province,
    label: args.rate ? 'rate' : 'e2e',
    heapMb: args.heapMb,
    semiMb: args.semiMb,
    overlapProjections: args.overlapProjections,
    brokers: args.brokers,
    instances,
    supervisor: args.supervisor,
  });
  const pids: Record<string, number> = {
    gateway: stack.services.gateway.pid,
    normalizer: stack.services.normalizer.pid,
    router: stack.services.router.pid,
    ...(stack.supervisor ? { supervisor: stack.supervisor.pid } : {}),
    kafka: stack.brokerPid,
  };
  const lagSeries: LagSample[] = [];
  let result = 0;
  try {
    const fixed = args.rate > 0;
    const total = fixed ? args.rate * args.duration : args.records;
    const perFile = fixed ? Math.max(1, Math.round(args.rate / 10)) : args.fileRecords;
    log(`generating ${total} records in files of ${perFile} (not timed)`);
    const files = await prepareFiles(stack.dir, total, perFile, args.province);
    if (fixed) files.sort((a, b) => Number(a.file.split('-').pop()) - Number(b.file.split('-').pop()));

    const monitor = new ProcMonitor(pids);
    monitor.begin();
    const pgCpuBefore = cpuOfPostgres(stack.databaseUrl);
    const t0 = Date.now();
    const since = new Date(t0 - 1000);
    const batches: string[] = [];
    if (fixed) {
      log(`uploading ${args.rate} records/s for ${args.duration} s`);
      const interval = 1000 / (args.rate / perFile);
      const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      const pending = files.map(async (f, i) => {
        await sleepUntil(t0 + i * interval);
        batches.push(await upload(stack, f));
      });
      await Promise.all(pending);
    } else {
      log(`uploading ${files.length} files through the gateway, one stream per insurer`);
      await Promise.all(
        SUPPORTED_INSURERS.map(async (insurer) => {
          for (const f of files.filter((x) => x.insurer === insurer)) batches.push(await upload(stack, f));
        }),
      );
    }
    const uploadedAt = Date.now();
    await waitUntilDrained(stack, batches, lagSeries, t0);
    const drainedAt = Date.now();
    const [{ last }] = await stack.db.query<{ last: Date }[]>(
      `SELECT max(at) AS last FROM dept_feed WHERE accepted_at >= $1`,
      [since],
    );
    const seconds = (last.getTime() - t0) / 1000;
    const procs = monitor.end();
    const pgCpu = cpuOfPostgres(stack.databaseUrl) - pgCpuBefore;
    const [counts] = await stack.db.query<{ events: number; rows: number; feed: number; rejected: number }[]>(
      `SELECT (SELECT count(*)::int FROM canonical_events) AS events, (SELECT count(*)::int FROM dept_views) AS rows,
              (SELECT count(*)::int FROM dept_feed) AS feed,
              (SELECT count(*)::int FROM batch_outcomes WHERE outcome = 'rejected') AS rejected`,
    );
    const lat = await latency(stack.db, since);
    const slices = {
      normalizer: await sliceStats(stack.services.normalizer.port),
      router: await sliceStats(stack.services.router.port),
    };
    const [stage] = await stack.db.query<
      { stored50: number; stored99: number; published50: number; published99: number }[]
    >(
      `SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s))::int AS stored50,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s))::int AS stored99,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY p))::int AS published50,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY p))::int AS published99
       FROM (SELECT extract(epoch FROM (e.stored_at - e.accepted_at)) * 1000 AS s,
                    extract(epoch FROM (b.published_at - b.accepted_at)) * 1000 AS p
             FROM canonical_events e JOIN ingest_batches b ON b.batch_id = e.batch_id WHERE e.accepted_at >= $1) x`,
      [since],
    );

    const recordsPerSecond = Math.round(total / seconds);
    result = recordsPerSecond;
    process.stdout.write(
      `\nAJX Hub end-to-end benchmark (${fixed ? `fixed rate ${args.rate}/s for ${args.duration} s` : 'throughput'})\n`,
    );
    process.stdout.write(
      `machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
    );
    process.stdout.write(`departments: ${stack.departments} (province ${args.province}, default pack)\n`);
    process.stdout.write(
      `Kafka: ${args.brokers > 1 ? `${args.brokers} brokers, RF 3, min.insync.replicas=2` : 'one broker'}; ${instances} instance(s) of each service\n`,
    );
    process.stdout.write(
      `records: ${total} in ${files.length} files (uploads took ${((uploadedAt - t0) / 1000).toFixed(1)} s)\n`,
    );
    process.stdout.write(`canonical events: ${counts.events}, rejected records: ${counts.rejected}\n`);
    process.stdout.write(
      `department view rows: ${counts.rows}, feed entries: ${counts.feed} (fan-out ${(counts.feed / Math.max(1, counts.events)).toFixed(2)} per event)\n`,
    );
    process.stdout.write(
      `elapsed until every view written: ${seconds.toFixed(1)} s → ${recordsPerSecond} records/s end-to-end\n`,
    );
    process.stdout.write(
      `latency accept → visible (ms): p50 ${lat.p50}  p95 ${lat.p95}  p99 ${lat.p99}  max ${lat.max}  (${lat.entries} feed entries)\n`,
    );
    process.stdout.write(
      `  by stage (p50/p99 ms): accept → batch published ${stage.published50}/${stage.published99}, accept → canonical stored ${stage.stored50}/${stage.stored99}\n`,
    );
    process.stdout.write(`  normaliser: ${slices.normalizer}; router: ${slices.router}\n`);
    if (stack.supervisor) {
      const [f] = await stack.db.query<{ findings: number; open: number; changes: number; enterprises: number }[]>(
        `SELECT (SELECT count(*)::int FROM supervision_findings) AS findings,
                (SELECT count(*)::int FROM supervision_findings WHERE state = 'open') AS open,
                (SELECT count(*)::int FROM supervision_finding_history) AS changes,
                (SELECT count(DISTINCT uscc)::int FROM supervision_versions) AS enterprises`,
      );
      process.stdout.write(
        `  supervisor: ${await sliceStats(stack.supervisor.port)}; every consumer group caught up ${((drainedAt - t0) / 1000).toFixed(1)} s after the first upload\n` +
          `  supervision: ${f.enterprises} enterprises, ${f.findings} findings (${f.open} open), ${f.changes} finding changes\n`,
      );
    }
    process.stdout.write('per process: CPU % of one core (CPU s) · peak RSS\n');
    for (const p of procs)
      process.stdout.write(
        `  ${p.name.padEnd(11)} ${String(p.cpuPercent).padStart(4)} % (${p.cpuSeconds} s) · ${p.peakRssMb} MB\n`,
      );
    process.stdout.write(
      `  postgresql  ${String(Math.round((pgCpu / seconds) * 100)).padStart(4)} % (${pgCpu.toFixed(1)} s, this run's backends and the server's background processes)\n`,
    );
    const cpuTotal = procs.reduce((n, p) => n + p.cpuSeconds, 0) + pgCpu;
    process.stdout.write(`CPU per record: ${Math.round((cpuTotal / total) * 1e6)} µs over all the processes above\n`);
    process.stdout.write(
      `consumer lag over time (s: normaliser / router${stack.supervisor ? ' / supervisor' : ''}):\n  `,
    );
    const step = Math.max(1, Math.ceil(lagSeries.length / 20));
    process.stdout.write(
      lagSeries
        .filter((_, i) => i % step === 0 || i === lagSeries.length - 1)
        .map((l) => `${l.t}:${l.normalizer}/${l.router}${l.supervisor === undefined ? '' : `/${l.supervisor}`}`)
        .join('  '),
    );
    process.stdout.write('\n');

    if (args.limit) {
      log('ceilings: the same records through each stage alone, no logic');
      for (const s of [...Object.values(stack.services), ...stack.moreServices]) await s.kill();
      await stack.supervisor?.kill();
      const records = await loadLimitRecords(stack.db);
      const ceilings: Ceiling[] = await runCeilings(stack.kafka, stack.db, stack.brokerPid, records);
      if (args.peer) {
        log('peer: Kafka Connect with the Debezium JDBC sink on the same rows');
        ceilings.push(
          await runKafkaConnectPeer(
            stack.kafka,
            stack.db,
            stack.databaseUrl,
            stack.brokers,
            stack.brokerPid,
            records,
            stack.dir,
          ),
        );
      }
      const e2eCpu = Math.round((cpuTotal / total) * 1e6);
      process.stdout.write(
        `\nceilings and peer in the same run (${records.events.length} records, ${records.rows} department rows):\n`,
      );
      process.stdout.write(
        `  ${'stage'.padEnd(52)} ${'records/s'.padStart(10)} ${'rows/s'.padStart(9)} ${'µs CPU/rec'.padStart(11)}  e2e / it\n`,
      );
      process.stdout.write(
        `  ${'end-to-end (this run, all logic)'.padEnd(52)} ${String(recordsPerSecond).padStart(10)} ${''.padStart(9)} ${String(e2eCpu).padStart(11)}\n`,
      );
      for (const c of ceilings)
        process.stdout.write(
          `  ${c.name.padEnd(52)} ${String(c.recordsPerSecond).padStart(10)} ${String(c.rowsPerSecond || '').padStart(9)} ` +
            `${String(c.cpuMicrosPerRecord).padStart(11)}  ${(recordsPerSecond / c.recordsPerSecond).toFixed(2)}\n`,
        );
    }
  } finally {
    await stack.stop();
  }
  return result;
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:e2e] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
