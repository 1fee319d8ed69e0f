/**
 * The supervision service's own evaluation path on PostgreSQL, for `bench:supervise`: the deployment of
 * `supervision-data.ts` is loaded into a fresh database (every version in `supervision_versions`, the register as two
 * province submissions), then the service's `FullEvaluationService` runs the start-up evaluation and daily re-runs, and
 * `EnterpriseEvaluationService.receive` takes consumed batches of changed records — the code the supervisor runs,
 * with its transactions, locks, finding history and figure rows, without Kafka in front (the consumer's cost is
 * measured by `bench:e2e`). The database is dropped at the end.
 */
import { createHash } from 'node:crypto';
import { ReportAnnouncer } from '@ajx/dept-store';
import { IdentityRepository } from '@ajx/identity';
import type { RegisterEntry } from '@ajx/interchange-store';
import { dataSourceOptions, dropDatabase, ensureDatabase, migrate } from '@ajx/persistence';
import { ReportsRepository } from '@ajx/report-store';
import { readSupervisionEvent, subjectOf, type SupervisionInput } from '@ajx/supervision';
import { type StoredVersion, SupervisionTargetsRepository, storedVersionOf } from '@ajx/supervision-store';
import { DataSource } from 'typeorm';
import { standaloneEvaluation } from '../../apps/supervisor/src/evaluation/standalone-evaluation';
import { ReportGenerationService } from '../../apps/supervisor/src/reports/report-generation.service';
import type { SupervisionClock } from '../../apps/supervisor/src/supervision-clock';
import { SupervisorConfig } from '../../apps/supervisor/src/supervisor.config';
import { cpuOfPostgres } from './proc-stats';
import { enterpriseData, rng } from './supervision-data';

export interface ServiceResult {
  enterprises: number;
  versions: number;
  loadSeconds: number;
  startMs: number;
  dailyMs: number[];
  /** CPU of this process and of PostgreSQL (the run's backends) per daily run. */
  dailyCpuMs: { service: number; postgres: number }[];
  /** Enterprises each daily run evaluated (those due). */
  dailyEnterprises: number[];
  /** Runs of every enterprise on a following day (an operator's request; what the daily run was before ADR 0013). */
  completeMs: number[];
  completeCpuMs: { service: number; postgres: number }[];
  batchMs: number[];
  batchTouched: number;
  /** The week's county reports of the whole deployment (ReportGenerationService: read, evaluate twice, build, store). */
  weeklyReportsMs: number;
  weeklyReports: number;
  openFindings: number;
  figureRows: number;
  maxRssMb: number;
}

export interface ServiceOptions {
  enterprises: number;
  pack: string;
  asOf: string;
  dailyRuns: number;
  completeRuns: number;
  batch: number;
  batches: number;
  /** The week whose county reports are generated (ISO week code). */
  reportWeek: string;
  /** A new version of a record, as a consumed batch carries it. */
  changed(base: SupervisionInput, batch: number): SupervisionInput;
}

const PG_URL = process.env.AJX_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const nextDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export async function measureService(o: ServiceOptions): Promise<ServiceResult> {
  const url = new URL(PG_URL);
  url.pathname = `/ajx_bench_supervisor_${process.pid}`;
  await ensureDatabase(url.toString());
  await migrate(url.toString());
  const db = new DataSource(dataSourceOptions({ url: url.toString(), poolSize: 8, applicationName: 'ajx-bench' }));
  await db.initialize();
  try {
    const config = Object.assign(new SupervisorConfig(), { AJX_RULE_PACK: o.pack, AJX_SUPERVISION_AS_OF: o.asOf });
    let asOf = o.asOf;
    const clock = { today: () => asOf } as SupervisionClock;
    // Publishing to Kafka is not part of the evaluation's cost: nothing is published (the outbox keeps the findings).
    const { versions, findings, register, evaluation, full } = standaloneEvaluation(db, config, clock);

    // Load: every version and the register, as the consumer and a register upload would have stored them.
    let started = process.hrtime.bigint();
    const latest = new Map<string, SupervisionInput>();
    const registerEntries = new Map<string, (RegisterEntry & { line: number })[]>();
    let pending: StoredVersion[] = [];
    let loaded = 0;
    const sampleEvery = Math.max(1, Math.floor(o.enterprises / 2000));
    for (let i = 0; i < o.enterprises; i++) {
      const d = enterpriseData(i);
      for (const e of d.events) {
        const input = readSupervisionEvent(e);
        pending.push(storedVersionOf(input));
        // Batches change records of 2,000 enterprises spread over the deployment: the rest need not stay in this
        // process's memory (the service's collector would pay for the bench's heap).
        if (i % sampleEvery) continue;
        const key = `${input.kind}/${input.record.insurer}/${subjectOf(input)}`;
        const known = latest.get(key);
        if (!known || known.record.version < input.record.version) latest.set(key, input);
      }
      if (d.register) {
        const province = d.register.regionCode.slice(0, 2);
        const list = registerEntries.get(province) ?? [];
        list.push({ alternative: null, ...d.register, line: list.length + 1 } as RegisterEntry & { line: number });
        registerEntries.set(province, list);
      }
      if (pending.length >= 5000) {
        loaded += (await versions.insertNew(db, pending)).fresh.length;
        pending = [];
      }
    }
    loaded += (await versions.insertNew(db, pending)).fresh.length;
    for (const [province, entries] of registerEntries) {
      const submission = await register.begin({
        source: 'province',
        submittedBy: 'bench',
        scope: { regionPrefix: province, sectors: null, label: `province ${province}` },
        requestId: null,
      });
      for (let i = 0; i < entries.length; i += 5000) await submission.add(entries.slice(i, i + 5000));
      await submission.commit(createHash('sha256').update(`${province}:${entries.length}`).digest());
    }
    await db.query('ANALYZE');
    const loadSeconds = ms(started) / 1000;

    // The start-up evaluation (every finding opened, every figure row written), then one per following day.
    started = process.hrtime.bigint();
    await full.run('start', 'bench');
    const startMs = ms(started);
    const dailyMs: number[] = [];
    const dailyCpuMs: ServiceResult['dailyCpuMs'] = [];
    const dailyEnterprises: number[] = [];
    const completeMs: number[] = [];
    const completeCpuMs: ServiceResult['completeCpuMs'] = [];
    // The daily runs (the enterprises due), then runs of every enterprise, each on the following day.
    for (let day = 1; day <= o.dailyRuns + o.completeRuns; day++) {
      asOf = nextDay(o.asOf, day);
      const daily = day <= o.dailyRuns;
      const cpu = process.cpuUsage();
      const pg = cpuOfPostgres(url.toString());
      started = process.hrtime.bigint();
      const outcome = await full.run(daily ? 'daily' : 'operator', 'bench');
      (daily ? dailyMs : completeMs).push(ms(started));
      if (daily) dailyEnterprises.push(outcome.enterprises);
      const used = process.cpuUsage(cpu);
      (daily ? dailyCpuMs : completeCpuMs).push({
        service: (used.user + used.system) / 1000,
        postgres: (cpuOfPostgres(url.toString()) - pg) * 1000,
      });
    }

    // Consumed batches: changed versions spread over the deployment, each stored and re-evaluated in one transaction.
    const r = rng(7);
    const records = [...latest.values()];
    const batchMs: number[] = [];
    let touched = 0;
    for (let b = 0; b < o.batches; b++) {
      const batch: StoredVersion[] = [];
      for (let k = 0; k < o.batch; k++) {
        const at = Math.floor(r() * records.length);
        records[at] = o.changed(records[at], b);
        batch.push(storedVersionOf(records[at]));
      }
      started = process.hrtime.bigint();
      const outcome = await evaluation.receive(batch, asOf, 'bench');
      batchMs.push(ms(started));
      touched += outcome.enterprises;
    }
    // Every county's weekly report of a week (七(二)), as the Monday job generates them.
    const reports = new ReportGenerationService(
      config,
      db,
      versions,
      register,
      new SupervisionTargetsRepository(db),
      findings,
      new ReportsRepository(db),
      new ReportAnnouncer(),
      new IdentityRepository(db),
    );
    started = process.hrtime.bigint();
    const generated = await reports.generate({
      kind: 'weekly',
      period: ReportGenerationService.periodOf('weekly', o.reportWeek),
      mode: 'replace',
      requestedBy: 'bench',
    });
    const weeklyReportsMs = ms(started);
    const [{ open }] = await db.query<{ open: string }[]>(
      `SELECT count(*) AS open FROM supervision_findings WHERE state = 'open'`,
    );
    const [{ rows }] = await db.query<{ rows: string }[]>(`SELECT count(*) AS rows FROM supervision_figures`);
    return {
      enterprises: o.enterprises,
      versions: loaded,
      loadSeconds,
      startMs,
      dailyMs,
      dailyCpuMs,
      dailyEnterprises,
      completeMs,
      completeCpuMs,
      batchMs,
      batchTouched: Math.round(touched / Math.max(1, o.batches)),
      weeklyReportsMs,
      weeklyReports: generated.reports.length,
      openFindings: Number(open),
      figureRows: Number(rows),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await db.destroy();
    await dropDatabase(url.toString());
  }
}
