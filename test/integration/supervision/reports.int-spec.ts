import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dayNumber, isoDateOf } from '@ajx/supervision';
import { previousWeek, weekdayOf } from '@ajx/report-content';
import { MONTHLY_SCORECARDS_JOB, REPORTS_QUEUE, type ReportJobResult, WEEKLY_REPORTS_JOB } from '@ajx/report-store';
import { supervisionScenario } from '@ajx/simulation';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { Queue, QueueEvents } from 'bullmq';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { redisOptions } from '@ajx/redis';
import { buildProgram, runProgram } from '../../../apps/cli/src/program';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { TestHub } from '../support/hub';
import { runCliAsync } from '../support/kafka-users';

/*
 * Issue 16: reports filed upward on the real stack. A scenario's week of activity goes through the gateway, the
 * normaliser and the supervisor; the supervisor's clock says Monday; Monday's job (the weekly job exactly as its
 * scheduler enqueues it) makes every county's weekly report and its city's bulletin. The reports' figures equal
 * counts the test makes itself from the scenario's records; the city gets its roll-up and the reports of its
 * counties in its feed; a county sees no other county's report; running the job again makes no second report; the
 * three formats open (XLSX read back, CSV parsed, PDF text extracted and its first page rendered).
 */

const PACK = 'jining@2';
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** The supervisor's clock: the Monday after today, so the week reported is the one that holds today's activity. */
const MONDAY = isoDateOf(dayNumber(TODAY) + 8 - weekdayOf(dayNumber(TODAY)));
const WEEK = previousWeek(MONDAY);
const SEED = 'reports';
const PER_COUNTY = 8;
const ROUNDS = 4;
const inWeek = (date: string) => date.slice(0, 10) >= WEEK.from && date.slice(0, 10) <= WEEK.to;
/** A Beijing date of a datetime as received (`…+08:00` or UTC). */
const beijingDate = (dt: string) =>
  dt.endsWith('+08:00') ? dt.slice(0, 10) : new Date(Date.parse(dt) + 8 * 3_600_000).toISOString().slice(0, 10);

interface Summary {
  reportId: string;
  kind: string;
  scope: string;
  period: string;
  revision: number;
  downloads: Record<'csv' | 'xlsx' | 'pdf', string>;
}
type Row = Record<string, string | number | null>;
interface Doc {
  scopeName: string;
  period: { label: string };
  sections: { id: string; tables: { rows: Row[]; totals?: Row }[] }[];
}

describe('reports filed upward', () => {
  const hub = new TestHub('reports', {
    services: ['gateway', 'normalizer', 'router'],
    gateway: { AJX_RULE_PACK: PACK },
    router: { AJX_RULE_PACK: PACK },
  });
  const tokensFile = path.join(os.tmpdir(), `ajx-reports-tokens-${process.pid}.json`);
  const tokens: Record<string, string> = {};
  const scenario = supervisionScenario({ seed: SEED, today: TODAY, enterprisesPerCounty: PER_COUNTY });
  const delivered = [...scenario.history, ...scenario.ticks.slice(0, ROUNDS).flat()];
  let supervisor: StartedService;
  let queue: Queue;
  let events: QueueEvents;

  const get = async (p: string, token: string) => {
    const res = await fetch(`${hub.url()}${p}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const json = async <T>(p: string, token: string): Promise<T> => {
    const res = await get(p, token);
    expect(res.status).toBe(200);
    return JSON.parse(res.bytes.toString('utf8')) as T;
  };
  const list = async (token: string, q = '') => (await json<{ items: Summary[] }>(`/v1/dept/reports${q}`, token)).items;
  const runJob = async (name: string, id: string): Promise<ReportJobResult> => {
    const job = await queue.add(name, { requestedBy: 'system:scheduler' }, { jobId: id });
    return (await job.waitUntilFinished(events, 300_000)) as ReportJobResult;
  };
  const reportsHeld = async () => (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM reports`))[0].n;
  const feedReports = async (token: string) => {
    const items: { kind: string; entry: string; subject: string; data: Summary }[] = [];
    for (let after = ''; ;) {
      const page = await json<{ items: typeof items; next: string; more: boolean }>(
        `/v1/dept/feed?limit=500${after ? `&after=${after}` : ''}`,
        token,
      );
      items.push(...page.items);
      if (!page.more) break;
      after = page.next;
    }
    return items.filter((i) => i.kind === 'report');
  };

  beforeAll(async () => {
    await hub.start();
    for (const id of ['PICC', 'PINGAN', 'CPIC', 'DADI'])
      tokens[id] = await hub.principal({ id, type: 'insurer', name: id });
    tokens.ops = await hub.principal({ id: 'rp-ops', type: 'operator', name: '运维' });
    const dept = async (id: string, level: 'county' | 'city', regionCode: string, kind = 'emergency') =>
      (tokens[id] = await hub.principal({ id, type: 'department', name: id, department: { kind, level, regionCode } }));
    await dept('rp-jn', 'city', '370800');
    await dept('rp-hz', 'city', '330100');
    await dept('rp-rc', 'county', '370811');
    await dept('rp-yz', 'county', '370812');
    fs.writeFileSync(
      tokensFile,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(tokens).map(([id, token]) => [id, { token, credentialId: id, expiresAt: '2099-01-01' }]),
        ),
      ),
    );
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runProgram(buildProgram(), [
        ...['node', 'ajx', 'simulate', '--url', hub.url(), '--tokens', tokensFile, '--scenario'],
        ...['--today', TODAY, '--seed', SEED, '--per-county', String(PER_COUNTY), '--rounds', String(ROUNDS)],
        ...['--interval-ms', '0', '--register-as', '3708=rp-jn,3301=rp-hz', '--rejects-every', '0', '--noise', '0'],
      ]);
    } finally {
      spy.mockRestore();
    }
    supervisor = await startService(
      supervisorService,
      hub.config(SupervisorConfig, {
        AJX_RULE_PACK: PACK,
        AJX_SUPERVISION_AS_OF: MONDAY,
        AJX_SUPERVISION_REGISTER_POLL_MS: 500,
        AJX_SUPERVISION_PUBLISH_POLL_MS: 500,
        // The schedulers' own times never come during the test: the test enqueues their jobs itself.
        AJX_REPORT_WEEKLY_CRON: '0 8 1 1 *',
        AJX_REPORT_MONTHLY_CRON: '0 8 1 1 *',
      }),
    );
    const stored = async () =>
      (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM supervision_versions`))[0].n;
    await waitFor(async () => (await stored()) === delivered.length || undefined, {
      timeoutMs: 240_000,
      what: `${delivered.length} versions held by the supervisor`,
    });
    const cfg = hub.config(SupervisorConfig);
    const connection = redisOptions(cfg.AJX_REDIS_URL);
    queue = new Queue(REPORTS_QUEUE, { connection, prefix: cfg.AJX_REDIS_PREFIX });
    events = new QueueEvents(REPORTS_QUEUE, { connection, prefix: cfg.AJX_REDIS_PREFIX });
    await events.waitUntilReady();
  }, 900_000);

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await supervisor?.close();
    fs.rmSync(tokensFile, { force: true });
    await hub.stop();
  });

  let rcWeekly: Summary;

  it('installs the two job schedulers in Asia/Shanghai, with the configured times; the defaults are Monday and the 1st at 08:00', async () => {
    const schedulers = await queue.getJobSchedulers(0, -1, true);
    expect(schedulers.map((s) => [s.name, s.pattern, s.tz]).sort()).toEqual(
      [
        [MONTHLY_SCORECARDS_JOB, '0 8 1 1 *', 'Asia/Shanghai'],
        [WEEKLY_REPORTS_JOB, '0 8 1 1 *', 'Asia/Shanghai'],
      ].sort(),
    );
    // The next run is 1 January 08:00 in Beijing (00:00 UTC), not in the machine's time zone.
    const year = new Date().getUTCFullYear();
    const next = Date.now() < Date.UTC(year, 0, 1) ? Date.UTC(year, 0, 1) : Date.UTC(year + 1, 0, 1);
    expect(schedulers.map((s) => s.next)).toEqual([next, next]);
    const defaults = new SupervisorConfig();
    expect([defaults.AJX_REPORT_WEEKLY_CRON, defaults.AJX_REPORT_MONTHLY_CRON]).toEqual(['0 8 * * 1', '0 8 1 * *']);
  });

  it('Monday’s job makes every county’s weekly report and the city bulletins, once', async () => {
    const result = await runJob(WEEKLY_REPORTS_JOB, 'monday-1');
    const weekly = result.reports.filter((r) => r.kind === 'weekly');
    const counties = new Set(scenario.register.map((l) => l.regionCode));
    expect(weekly.map((r) => r.scope).sort()).toEqual(expect.arrayContaining([...counties].sort()));
    expect(result.reports.filter((r) => r.kind === 'city-bulletin').map((r) => r.scope)).toEqual(['330100', '370800']);
    expect(result.reports.every((r) => r.outcome === 'created' && r.period === WEEK.code)).toBe(true);

    // The job again (a retry, a second instance's duplicate): nothing new, nothing announced again.
    const held = await reportsHeld();
    const again = await runJob(WEEKLY_REPORTS_JOB, 'monday-2');
    expect(again.reports.every((r) => r.outcome === 'existing')).toBe(true);
    expect(await reportsHeld()).toBe(held);

    const own = await list(tokens['rp-rc']);
    expect(own.map((r) => `${r.kind} ${r.scope} ${r.period} ${r.revision}`)).toEqual([`weekly 370811 ${WEEK.code} 1`]);
    rcWeekly = own[0];
    // Stored with what it was computed from: every version the supervisor held, the rules on the week's last day.
    const watermark = (own[0] as Summary & { watermark: Record<string, unknown> }).watermark;
    const dayBefore = new Date(Date.parse(`${WEEK.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(watermark).toMatchObject({ versions: delivered.length, asOf: WEEK.to, before: dayBefore });
    const feed = await feedReports(tokens['rp-rc']);
    expect(feed.map((e) => `${e.entry} ${e.subject}`)).toEqual([`new ${rcWeekly.reportId}`]);
    expect(feed[0].data.downloads.pdf).toBe(`/v1/dept/reports/${rcWeekly.reportId}.pdf`);
  }, 600_000);

  it('counts what the scenario’s records say about the county’s week', async () => {
    const doc = (await json<{ document: Doc }>(`/v1/dept/reports/${rcWeekly.reportId}`, tokens['rp-rc'])).document;
    expect(doc.scopeName).toBe('任城区应急管理局');
    expect(doc.period.label).toBe(WEEK.label);

    // The test's own counts over the records it delivered: the latest version of each record.
    const latest = new Map<string, (typeof delivered)[number]>();
    for (const r of delivered) {
      const rec = r.record as unknown as { insurer: string; version: number } & Record<string, unknown>;
      const subject = {
        policy: 'policyNo',
        service: 'serviceId',
        hazard: 'hazardId',
        accident: 'accidentId',
        claim: 'claimNo',
      }[r.kind];
      const id = `${r.kind}/${rec.insurer}/${String(rec[subject])}`;
      const held = latest.get(id);
      if (!held || (held.record as unknown as { version: number }).version < rec.version) latest.set(id, r);
    }
    const records = [...latest.values()];
    const countsOf = (prefix: string) => {
      const inRegion = (r: (typeof records)[number]) =>
        (r.record as unknown as { enterprise: { regionCode: string } }).enterprise.regionCode.startsWith(prefix);
      const started = records
        .filter((r) => r.kind === 'policy' && inRegion(r))
        .map((r) => r.record as unknown as { coverage: { start: string }; cancelledOn: string | null })
        .filter(
          (p) => inWeek(p.coverage.start) && !(p.cancelledOn !== null && p.cancelledOn <= p.coverage.start),
        ).length;
      const services = records
        .filter((r) => r.kind === 'service' && inRegion(r))
        .map((r) => r.record as unknown as { action: string; endedAt: string })
        .filter((s) => s.action !== 'revoked' && inWeek(beijingDate(s.endedAt))).length;
      const registered = scenario.register.filter((l) => l.regionCode.startsWith(prefix)).length;
      return { started, services, registered };
    };
    const check = (d: Doc, c: ReturnType<typeof countsOf>) => {
      const section = (id: string) => d.sections.find((s) => s.id === id)!.tables;
      expect(section('coverage')[0].totals).toMatchObject({ registered: c.registered });
      const started = section('new-policies')[0].totals!;
      expect(Number(started.newPolicies) + Number(started.renewed)).toBe(c.started);
      expect(section('services')[0].totals).toMatchObject({ services: c.services });
    };
    check(doc, countsOf('370811'));
    // The city's bulletin over all its counties, where the week holds activity whatever the seed.
    const bulletin = (await list(tokens['rp-jn'], `?kind=city-bulletin&period=${WEEK.code}`))[0];
    const city = countsOf('3708');
    check((await json<{ document: Doc }>(`/v1/dept/reports/${bulletin.reportId}`, tokens['rp-jn'])).document, city);
    expect(city.registered).toBeGreaterThan(0);
    expect(city.started + city.services).toBeGreaterThan(0);
    // Every section SUPERVISION.md lists, with accidents and claims (issue 25).
    expect(doc.sections.map((s) => s.id)).toEqual([
      'coverage',
      'new-policies',
      'premium',
      'services',
      'hazards',
      'accidents',
      'claims',
      'findings',
      'targets',
    ]);
  });

  it('gives the city its roll-up and its counties’ reports, and a county nothing of another', async () => {
    const city = await list(tokens['rp-jn'], `?period=${WEEK.code}`);
    const scopes = city.map((r) => r.scope);
    expect(scopes).toContain('370800');
    expect(scopes).toContain('370811');
    expect(scopes).toContain('370812');
    expect(scopes.every((s) => s.startsWith('3708'))).toBe(true);
    const bulletin = city.find((r) => r.kind === 'city-bulletin')!;
    const doc = (await json<{ document: Doc }>(`/v1/dept/reports/${bulletin.reportId}`, tokens['rp-jn'])).document;
    expect(doc.sections[0].tables[0].totals).toMatchObject({
      registered: scenario.register.filter((l) => l.regionCode.startsWith('3708')).length,
    });
    const feed = await feedReports(tokens['rp-jn']);
    expect(feed.map((e) => e.subject).sort()).toEqual(city.map((r) => r.reportId).sort());

    // 兖州区's report: 任城区 gets 404 by list, JSON and every file, like an unknown id.
    const yz = city.find((r) => r.scope === '370812')!;
    for (const suffix of ['', '.csv', '.xlsx', '.pdf'])
      expect((await get(`/v1/dept/reports/${yz.reportId}${suffix}`, tokens['rp-rc'])).status).toBe(404);
    expect((await list(tokens['rp-rc'])).map((r) => r.reportId)).not.toContain(yz.reportId);
    expect((await list(tokens['rp-hz'], '?kind=weekly')).every((r) => r.scope.startsWith('3301'))).toBe(true);
  });

  it('serves the three formats with their Chinese names, and they open', async () => {
    const name = encodeURIComponent(`任城区_周报_${WEEK.code}`);
    const csv = await get(`/v1/dept/reports/${rcWeekly.reportId}.csv`, tokens['rp-rc']);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="370811_weekly_${WEEK.code}.csv"; filename*=UTF-8''${name}.csv`,
    );
    expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const grid = parse(csv.bytes.toString('utf8').slice(1), { relaxQuotes: false });
    expect(grid[1][1]).toBe('任城区应急管理局');
    expect(grid.some((line) => line[0] === '一、投保概况')).toBe(true);

    const xlsx = await get(`/v1/dept/reports/${rcWeekly.reportId}.xlsx`, tokens['rp-rc']);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheets = book.worksheets.map((w) => w.name);
    expect(sheets).toEqual(expect.arrayContaining(['报告概要', '投保概况', '生产安全事故', '理赔(快速理赔)']));

    const pdf = await get(`/v1/dept/reports/${rcWeekly.reportId}.pdf`, tokens['rp-rc']);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-report-pdf-'));
    const file = path.join(dir, 'weekly.pdf');
    fs.writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const registered = scenario.register.filter((l) => l.regionCode === '370811').length;
    expect(text).toContain('任城区应急管理局');
    expect(text).toContain(WEEK.label);
    expect(text).toMatch(new RegExp(`合计\\s+${registered}\\s`));
    // The first page as an image; AJX_WRITE_REPORT_IMAGE=1 keeps it as docs/img/report-weekly-generated-page1.png.
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page1')]);
    const png = fs.readFileSync(path.join(dir, 'page1.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    if (process.env.AJX_WRITE_REPORT_IMAGE === '1')
      fs.copyFileSync(
        path.join(dir, 'page1.png'),
        path.resolve(__dirname, '../../../docs/img/report-weekly-generated-page1.png'),
      );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('regenerates a past period on demand (operator, owning department), never another county’s', async () => {
    const body = { kind: 'weekly', period: WEEK.code, region: '370811' };
    const post = (p: string, token: string, b: unknown) =>
      fetch(`${hub.url()}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    const byOps = await post('/v1/admin/reports/runs', tokens.ops, body);
    expect(byOps.status).toBe(200);
    const made = (await byOps.json()) as { items: (Summary & { outcome: string })[] };
    expect(made.items.map((i) => `${i.reportId} ${i.outcome}`)).toEqual([`${rcWeekly.reportId} replaced`]);
    const byCounty = await post('/v1/dept/reports/runs', tokens['rp-rc'], { kind: 'weekly', period: WEEK.code });
    expect(byCounty.status).toBe(200);
    expect((await list(tokens['rp-rc']))[0].revision).toBe(3);
    expect((await post('/v1/dept/reports/runs', tokens['rp-rc'], { ...body, region: '370812' })).status).toBe(403);
    const bad = await post('/v1/admin/reports/runs', tokens.ops, { ...body, period: '2026-W60' });
    expect(bad.status).toBe(400);
    // Each regeneration is announced (updated) in the county's feed.
    expect((await feedReports(tokens['rp-rc'])).map((e) => e.entry)).toEqual(['new', 'updated', 'updated']);

    // `ajx reports run` (the built command) with the county's own token: the same request, the download URLs printed.
    // (Asynchronously: the gateway answering it runs in this process.)
    const cli = await runCliAsync(['reports', 'run', '--kind', 'weekly', '--week', WEEK.code, '--url', hub.url()], {
      AJX_TOKEN: tokens['rp-rc'],
      AJX_LOG_LEVEL: 'warn',
    });
    expect([cli.status, cli.stderr]).toEqual([
      0,
      `weekly 370811 ${WEEK.code}: replaced (report ${rcWeekly.reportId})\n`,
    ]);
    expect(cli.stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['csv', 'pdf', 'xlsx'].map((f) => `${hub.url()}/v1/dept/reports/${rcWeekly.reportId}.${f}`),
    );
    const pdf = await fetch(
      cli.stdout.split('\n').find((l) => l.endsWith('.pdf'))!,
      {
        headers: { authorization: `Bearer ${tokens['rp-rc']}` },
      },
    );
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect((await list(tokens['rp-rc']))[0].revision).toBe(4);
  }, 300_000);

  it('makes the monthly scorecards: the city reads every insurer’s, an insurer its own', async () => {
    const result = await runJob(MONTHLY_SCORECARDS_JOB, 'first-of-month');
    expect(result.reports.length).toBeGreaterThan(0);
    const mine = (await json<{ items: Summary[] }>('/v1/insurer/reports', tokens.PICC)).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.kind === 'monthly-scorecard' && r.scope.endsWith('-PICC'))).toBe(true);
    const city = await list(tokens['rp-jn'], '?kind=monthly-scorecard');
    expect(city.map((r) => r.scope)).toContain('370800-PICC');
    const other = city.find((r) => !r.scope.endsWith('-PICC'))!;
    expect((await get(`/v1/insurer/reports/${other.reportId}.pdf`, tokens.PICC)).status).toBe(404);
    const doc = (await json<{ document: Doc }>(`/v1/insurer/reports/${mine[0].reportId}`, tokens.PICC)).document;
    expect(doc.sections.map((s) => s.id)).toEqual(
      expect.arrayContaining(['ledger', 'accidents', 'claims', 'findings', 'ladder']),
    );
  }, 300_000);
});
