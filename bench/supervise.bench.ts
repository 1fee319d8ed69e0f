/**
 * `npm run bench:supervise`: the supervision library on a generated deployment of 100,000 enterprises
 * (`bench/support/supervision-data.ts`, jining@1 on 2024-06-30): a full evaluation of every enterprise (what the live
 * service does at start-up and every day), an incremental batch of 500 changed records (apply + re-evaluate the
 * enterprises touched, what it does per consumed batch), and — the baseline in the same run — `ajx supervise` on the
 * same data written as files (reading and checking every line, evaluating, writing findings and figures). Then the
 * supervision service's own path on PostgreSQL (`support/supervisor-service.ts`) on the first
 * AJX_BENCH_SERVICE_ENTERPRISES enterprises of the same deployment (default: all of them): its start-up and daily
 * full evaluations and consumed batches, with every transaction, lock, finding-history row and figure row it writes,
 * in a child with the deployment's heap budget (AJX_SERVICE_HEAP_MB, 384). Each measurement runs
 * in a fresh child process so its peak RSS is its own; times are medians.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisionInput } from '@ajx/supervision';
import { enterpriseData, rng } from './support/supervision-data';
import { measureService, type ServiceResult } from './support/supervisor-service';

const ENTERPRISES = Number(process.env.AJX_BENCH_ENTERPRISES ?? 100_000);
const PACK = 'jining@1';
const AS_OF = '2024-06-30';
const FULL_RUNS = 5;
const BATCH = 500;
const BATCHES = 21;
const CLI_RUNS = 3;
const SERVICE_ENTERPRISES = Number(process.env.AJX_BENCH_SERVICE_ENTERPRISES ?? ENTERPRISES);
/** The service child runs with the deployment's heap budget (the other children hold whole data sets). */
const SERVICE_HEAP_MB = Number(process.env.AJX_SERVICE_HEAP_MB ?? 384);
const SERVICE_DAILY_RUNS = 3;
const SERVICE_COMPLETE_RUNS = 2;
/** The week of AS_OF: its county reports are generated over the whole deployment. */
const REPORT_WEEK = '2024-W26';
const SERVICE_BATCHES = 11;

interface LibraryResult {
  events: number;
  enterprises: number;
  findings: number;
  loadSeconds: number;
  coldMs: number;
  coldCpuMs: number;
  dailyMs: number[];
  dailyCpuMs: number[];
  outputMs: number[];
  batchMs: number[];
  batchCpuMs: number[];
  batchTouched: number;
  maxRssMb: number;
}
interface CliResult {
  seconds: number;
  findings: number;
  maxRssMb: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
/** CPU time of this process (all its threads, garbage collection included) since `since`, in ms. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function libraryChild(): Promise<void> {
  const { builtInRulePackBySpec } = await import('@ajx/authz');
  const sv = await import('@ajx/supervision');
  const params = sv.supervisionParameters(builtInRulePackBySpec(PACK));
  const engine = new sv.SupervisionEngine(params);
  const register: ReturnType<typeof sv.readRegisterEntry>[] = [];
  const inputs: ReturnType<typeof sv.readSupervisionEvent>[] = [];
  let started = process.hrtime.bigint();
  for (let i = 0; i < ENTERPRISES; i++) {
    const d = enterpriseData(i);
    for (const e of d.events) inputs.push(sv.readSupervisionEvent(e));
    if (d.register) register.push(sv.readRegisterEntry(d.register));
  }
  engine.apply(inputs);
  engine.replaceRegister(register);
  const loadSeconds = ms(started) / 1000;

  // Full evaluations: the first (start-up), then one per following day (the daily run, diffed with the day before).
  started = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  engine.evaluateAll(AS_OF);
  const coldMs = ms(started);
  const coldCpuMs = cpuMs(cpu);
  const dailyMs: number[] = [];
  const dailyCpuMs: number[] = [];
  const outputMs: number[] = [];
  for (let run = 1; run < FULL_RUNS; run++) {
    const asOf = new Date(Date.parse(`${AS_OF}T00:00:00Z`) + run * 86_400_000).toISOString().slice(0, 10);
    started = process.hrtime.bigint();
    cpu = process.cpuUsage();
    engine.evaluateAll(asOf);
    dailyMs.push(ms(started));
    dailyCpuMs.push(cpuMs(cpu));
    started = process.hrtime.bigint();
    engine.findings();
    engine.figures();
    outputMs.push(ms(started));
  }
  const findings = engine.findings().length;

  // Incremental batches: new versions of existing records (endorsements, rectified hazards, amended services) and
  // new services, spread over the deployment.
  const r = rng(42);
  const latest = new Map<string, SupervisionInput>();
  for (const input of inputs) {
    const key = `${input.kind}/${input.record.insurer}/${sv.subjectOf(input)}`;
    const known = latest.get(key);
    if (!known || known.record.version < input.record.version) latest.set(key, input);
  }
  const records = [...latest.values()];
  const batchMs: number[] = [];
  const batchCpuMs: number[] = [];
  let batchTouched = 0;
  for (let b = 0; b < BATCHES; b++) {
    const batch: SupervisionInput[] = [];
    for (let k = 0; k < BATCH; k++) {
      const at = Math.floor(r() * records.length);
      const next = changed(records[at], b);
      records[at] = next;
      batch.push(next);
    }
    started = process.hrtime.bigint();
    cpu = process.cpuUsage();
    const touched = engine.apply(batch);
    engine.reevaluate(touched);
    batchMs.push(ms(started));
    batchCpuMs.push(cpuMs(cpu));
    batchTouched += touched.size;
  }
  const result: LibraryResult = {
    events: inputs.length,
    enterprises: engine.state.enterpriseCount,
    findings,
    loadSeconds,
    coldMs,
    coldCpuMs,
    dailyMs,
    dailyCpuMs,
    outputMs,
    batchMs,
    batchCpuMs,
    batchTouched: Math.round(batchTouched / BATCHES),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.send!(result);
}

/** A new version of a record (or, for half of the services, a new service): what a consumed batch carries. */
function changed(base: SupervisionInput, batch: number): SupervisionInput {
  const version = base.record.version + 1;
  switch (base.kind) {
    case 'policy': {
      const coverage = {
        ...base.record.coverage,
        insuredHeadcount: Math.max(0, base.record.coverage.insuredHeadcount - 3),
      };
      return { ...base, record: { ...base.record, version, coverage } };
    }
    case 'hazard':
      return { ...base, record: { ...base.record, version, status: 'rectified' } };
    case 'service':
      return version % 2
        ? { ...base, record: { ...base.record, version, action: 'amended' } }
        : { ...base, record: { ...base.record, serviceId: `${base.record.serviceId}N${batch}`, version: 1 } };
    case 'accident':
      return { ...base, record: { ...base.record, version } };
    case 'claim':
      return { ...base, record: { ...base.record, version } };
  }
}

async function serviceChild(): Promise<void> {
  const result = await measureService({
    enterprises: Math.min(SERVICE_ENTERPRISES, ENTERPRISES),
    pack: PACK,
    asOf: AS_OF,
    dailyRuns: SERVICE_DAILY_RUNS,
    completeRuns: SERVICE_COMPLETE_RUNS,
    reportWeek: REPORT_WEEK,
    batch: BATCH,
    batches: SERVICE_BATCHES,
    changed,
  });
  process.send!(result);
}

async function cliChild(events: string, register: string, out: string): Promise<void> {
  const { runSupervise } = await import('../apps/cli/src/supervise/supervise.runner');
  const started = process.hrtime.bigint();
  const outcome = await runSupervise({
    pack: PACK,
    asOf: AS_OF,
    events,
    register,
    findings: join(out, 'findings.ndjson'),
    figures: join(out, 'figures.json'),
  });
  const result: CliResult = {
    seconds: ms(started) / 1000,
    findings: outcome.findings,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.send!(result);
}

function measure<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = fork(__filename, ['--child', ...args], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: args[0] === 'service' ? [`--max-old-space-size=${SERVICE_HEAP_MB}`] : [],
    });
    p.once('message', (m) => resolve(m as T));
    p.once('exit', (code) => (code ? reject(new Error(`${args[0]} exited ${code}`)) : undefined));
  });
}

async function writeFiles(dir: string): Promise<{ events: string; register: string; count: number }> {
  const events = join(dir, 'events.ndjson');
  const register = join(dir, 'register.ndjson');
  const ev = createWriteStream(events);
  const reg = createWriteStream(register);
  let count = 0;
  let buffered: string[] = [];
  const flush = async (stream: typeof ev, lines: string[]) => {
    if (lines.length && !stream.write(lines.join(''))) await once(stream, 'drain');
  };
  const registerLines: string[] = [];
  for (let i = 0; i < ENTERPRISES; i++) {
    const d = enterpriseData(i);
    for (const e of d.events) buffered.push(`${JSON.stringify(e)}\n`);
    count += d.events.length;
    if (d.register) registerLines.push(`${JSON.stringify(d.register)}\n`);
    if (buffered.length > 2000) {
      await flush(ev, buffered);
      buffered = [];
    }
  }
  await flush(ev, buffered);
  await flush(reg, registerLines);
  ev.end();
  reg.end();
  await Promise.all([once(ev, 'finish'), once(reg, 'finish')]);
  return { events, register, count };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    if (process.argv[3] === 'library') return libraryChild();
    if (process.argv[3] === 'service') return serviceChild();
    return cliChild(process.argv[4], process.argv[5], process.argv[6]);
  }
  const startLoad = loadavg()[0].toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'ajx-bench-supervise-'));
  try {
    process.stderr.write(`generating ${ENTERPRISES.toLocaleString('en')} enterprises … `);
    const files = await writeFiles(dir);
    const mb = statSync(files.events).size / 1e6;
    process.stderr.write(`${files.count.toLocaleString('en')} events (${mb.toFixed(0)} MB); measuring the library\n`);
    const lib = await measure<LibraryResult>(['library']);
    const cli: CliResult[] = [];
    for (let run = 0; run < CLI_RUNS; run++) {
      process.stderr.write(`ajx supervise, run ${run + 1}/${CLI_RUNS}\n`);
      cli.push(await measure<CliResult>(['cli', files.events, files.register, dir]));
    }
    if (cli.some((c) => c.findings === 0)) throw new Error('ajx supervise found nothing: the data is not realistic');
    process.stderr.write(
      `the supervision service on PostgreSQL (${Math.min(SERVICE_ENTERPRISES, ENTERPRISES)} enterprises)\n`,
    );
    const svc = await measure<ServiceResult>(['service']);
    const perEnterprise = (msValue: number) => `${((msValue / svc.enterprises) * 1000).toFixed(0)} µs/enterprise`;
    const cliSeconds = cli.map((c) => c.seconds);
    const rows: [string, string, string, string][] = [
      [
        'full evaluation, start-up (evaluateAll, once)',
        `${lib.coldMs.toFixed(0)} ms`,
        `${lib.coldCpuMs.toFixed(0)} ms`,
        '',
      ],
      [
        `full evaluation, daily re-run (median of ${lib.dailyMs.length})`,
        `${median(lib.dailyMs).toFixed(0)} ms`,
        `${median(lib.dailyCpuMs).toFixed(0)} ms`,
        `wall min ${Math.min(...lib.dailyMs).toFixed(0)}, max ${Math.max(...lib.dailyMs).toFixed(0)}`,
      ],
      [
        `  then sorted findings and figures (median of ${lib.outputMs.length})`,
        `${median(lib.outputMs).toFixed(0)} ms`,
        '',
        '',
      ],
      [
        `incremental: ${BATCH} changed records, apply + re-evaluate (median of ${BATCHES})`,
        `${median(lib.batchMs).toFixed(1)} ms`,
        `${median(lib.batchCpuMs).toFixed(1)} ms`,
        `${lib.batchTouched} enterprises touched; wall max ${Math.max(...lib.batchMs).toFixed(1)} ms`,
      ],
      [
        `ajx supervise, same data (median of ${CLI_RUNS} processes)`,
        `${median(cliSeconds).toFixed(1)} s`,
        '',
        `read + check ${files.count.toLocaleString('en')} lines, evaluate, write; min ${Math.min(...cliSeconds).toFixed(1)} s`,
      ],
      [
        `service on PostgreSQL, ${svc.enterprises.toLocaleString('en')} enterprises: full evaluation at start`,
        `${(svc.startMs / 1000).toFixed(1)} s`,
        '',
        `${perEnterprise(svc.startMs)}; ${svc.openFindings.toLocaleString('en')} open findings, ${svc.figureRows.toLocaleString('en')} figure rows`,
      ],
      [
        `service on PostgreSQL: daily run, the enterprises due (median of ${svc.dailyMs.length})`,
        `${(median(svc.dailyMs) / 1000).toFixed(1)} s`,
        `${(median(svc.dailyCpuMs.map((c) => c.service)) / 1000).toFixed(1)} s`,
        `${median(svc.dailyEnterprises).toLocaleString('en')} enterprises due; max ${(Math.max(...svc.dailyMs) / 1000).toFixed(1)} s; ` +
          `PostgreSQL CPU ${(median(svc.dailyCpuMs.map((c) => c.postgres)) / 1000).toFixed(1)} s`,
      ],
      [
        `service on PostgreSQL: every enterprise on a new day (operator; median of ${svc.completeMs.length})`,
        `${(median(svc.completeMs) / 1000).toFixed(1)} s`,
        `${(median(svc.completeCpuMs.map((c) => c.service)) / 1000).toFixed(1)} s`,
        `${perEnterprise(median(svc.completeMs))}; max ${(Math.max(...svc.completeMs) / 1000).toFixed(1)} s; ` +
          `PostgreSQL CPU ${(median(svc.completeCpuMs.map((c) => c.postgres)) / 1000).toFixed(1)} s`,
      ],
      [
        `service on PostgreSQL: the weekly county reports of ${REPORT_WEEK} (every enterprise, in chunks)`,
        `${(svc.weeklyReportsMs / 1000).toFixed(1)} s`,
        '',
        `${svc.weeklyReports} reports; evaluated on the week's end and the day before it began`,
      ],
      [
        `service on PostgreSQL: consumed batch of ${BATCH} changed records (median of ${svc.batchMs.length})`,
        `${median(svc.batchMs).toFixed(0)} ms`,
        '',
        `${svc.batchTouched} enterprises per batch; max ${Math.max(...svc.batchMs).toFixed(0)} ms`,
      ],
    ];
    console.log(
      `supervision on ${lib.enterprises.toLocaleString('en')} enterprises, ${lib.events.toLocaleString('en')} events ` +
        `(${mb.toFixed(0)} MB), ${PACK}, asOf ${AS_OF}: ${lib.findings.toLocaleString('en')} findings`,
    );
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`${''.padEnd(w)}  ${'wall'.padStart(9)}  ${'CPU'.padStart(9)}`);
    for (const [what, wall, cpuTime, note] of rows)
      console.log(`${what.padEnd(w)}  ${wall.padStart(9)}  ${cpuTime.padStart(9)}  ${note}`);
    console.log(
      `peak RSS: library process ${lib.maxRssMb.toFixed(0)} MB (records built in memory in ${lib.loadSeconds.toFixed(1)} s); ` +
        `ajx supervise ${Math.max(...cli.map((c) => c.maxRssMb)).toFixed(0)} MB; service ${svc.maxRssMb.toFixed(0)} MB ` +
        `(${svc.versions.toLocaleString('en')} versions loaded in ${svc.loadSeconds.toFixed(1)} s)`,
    );
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (at start ${startLoad}), ${cpus().length} CPUs`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
