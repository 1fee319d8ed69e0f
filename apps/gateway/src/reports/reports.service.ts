import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown, StreamableFile } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { builtInRulePackBySpec, findKindRule, jurisdictionPrefix, type RulePack } from '@ajx/authz';
import type { Principal } from '@ajx/identity';
import { redisOptions } from '@ajx/redis';
import { monthPeriod, ReportPeriodError, weekPeriod } from '@ajx/report-content';
import { REPORT_FORMATS, type ReportFormat, renderReport, reportDownload } from '@ajx/report-rendering';
import {
  REPORTS_QUEUE,
  type ReportJobResult,
  ReportReadRepository,
  reportInsurer,
  reportJurisdiction,
  RUN_REPORT_JOB,
  type RunReportJob,
  type ScopedReportRead,
  type StoredReport,
} from '@ajx/report-store';
import { Queue, QueueEvents } from 'bullmq';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import type {
  ReportDetailDto,
  ReportListDto,
  ReportQueryDto,
  ReportRunDto,
  ReportRunResultDto,
  ReportSummaryDto,
} from './dto/report.dto';

const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.(csv|xlsx|pdf))?$/;
/** How long a run request waits for the supervisor to make the reports. */
const RUN_WAIT_MS = 120_000;

export const downloadsOf = (base: string, reportId: string) =>
  Object.fromEntries(REPORT_FORMATS.map((f) => [f, `${base}/${reportId}.${f}`])) as Record<ReportFormat, string>;

function summaryOf(r: StoredReport, base: string): ReportSummaryDto {
  return {
    reportId: r.reportId,
    kind: r.kind,
    scope: r.scope,
    region: r.region,
    insurer: r.insurer,
    period: r.period,
    periodFrom: r.periodFrom,
    periodTo: r.periodTo,
    title: r.title,
    scopeName: r.scopeName,
    revision: r.revision,
    requestedBy: r.requestedBy,
    generatedAt: r.generatedAt.toISOString(),
    watermark: r.watermark,
    downloads: downloadsOf(base, r.reportId),
  };
}

/**
 * Reports filed upward (docs/reports.md): the list and the files (rendered from the stored document on download,
 * with the Chinese file name in Content-Disposition), read under row-level security (a county its own, the city its
 * counties' and its own, an insurer its scorecards); on-demand runs for a past period, made by the supervisor.
 */
@Injectable()
export class ReportsService implements OnApplicationShutdown {
  private readonly pack: RulePack;
  private queue: Queue | null = null;
  private events: QueueEvents | null = null;

  constructor(
    private readonly config: GatewayConfig,
    private readonly reads: ReportReadRepository,
    private readonly audit: AuditLog,
  ) {
    this.pack = builtInRulePackBySpec(config.AJX_RULE_PACK);
  }

  /** A department's reports: those of its jurisdiction, for departments supervising every sector (emergency). */
  private scopeOf(p: Principal): { scope: ScopedReportRead; base: string } {
    if (p.type === 'insurer') return { scope: reportInsurer(p.id), base: '/v1/insurer/reports' };
    if (p.type !== 'department' || !p.department)
      throw apiError(403, 'FORBIDDEN', `reports are read by departments and insurers, not a ${p.type}`);
    if (!findKindRule(this.pack, p.department.kind)?.allSectors)
      throw apiError(
        403,
        'FORBIDDEN',
        `reports cover every sector: they are for departments supervising all sectors, not ${p.department.kind}`,
      );
    return {
      scope: reportJurisdiction(jurisdictionPrefix(p.department.level, p.department.regionCode)),
      base: '/v1/dept/reports',
    };
  }

  async list(p: Principal, q: ReportQueryDto, requestId?: string): Promise<ReportListDto> {
    const { scope, base } = this.scopeOf(p);
    const rows = await this.reads.list(scope, { kind: q.kind, period: q.period, limit: q.limit ?? 100 });
    await this.audit.record({ actor: p.id, action: 'reports.list', target: 'reports', outcome: 'ok', requestId });
    return { items: rows.map((r) => summaryOf(r, base)) };
  }

  /** `{id}` (the report with its document, JSON) or `{id}.{csv|xlsx|pdf}` (the file). */
  async file(p: Principal, file: string, requestId?: string): Promise<ReportDetailDto | StreamableFile> {
    const m = FILE.exec(file);
    if (!m) throw apiError(404, 'NOT_FOUND', `no report ${JSON.stringify(file)}: use {id}.csv, {id}.xlsx or {id}.pdf`);
    const { scope, base } = this.scopeOf(p);
    const report = await this.reads.get(scope, m[1]);
    const format = m[2] as ReportFormat | undefined;
    await this.audit.record({
      actor: p.id,
      action: 'reports.download',
      target: `report:${m[1]}`,
      outcome: report ? 'ok' : 'denied',
      details: { format: format ?? 'json' },
      requestId,
    });
    // Another jurisdiction's report is as unknown as a report that does not exist.
    if (!report) throw apiError(404, 'NOT_FOUND', `no report ${m[1]}`);
    if (!format) return { ...summaryOf(report, base), document: report.document };
    const bytes = await renderReport(report.document, format);
    const d = reportDownload(report.document, format);
    return new StreamableFile(bytes, { type: d.contentType, disposition: d.contentDisposition, length: bytes.length });
  }

  /**
   * Makes (or makes again) reports of a past period now, waiting for the supervisor. An operator may ask for any;
   * a department for those of its jurisdiction (a county its weekly report; the city its bulletin, its counties'
   * weekly reports and its scorecards).
   */
  async run(p: Principal, r: ReportRunDto, requestId?: string): Promise<ReportRunResultDto> {
    try {
      if (r.kind === 'monthly-scorecard') monthPeriod(r.period);
      else weekPeriod(r.period);
    } catch (err) {
      if (err instanceof ReportPeriodError)
        throw apiError(400, 'INVALID_PERIOD', `${r.kind}: ${err.message}`, { field: 'period' });
      throw err;
    }
    if (r.kind === 'weekly' && r.region !== undefined && r.region.endsWith('00'))
      throw apiError(400, 'INVALID_REGION', `a weekly report is of a county-level code, not ${r.region}`);
    if (r.kind !== 'weekly' && r.region !== undefined && !r.region.endsWith('00'))
      throw apiError(400, 'INVALID_REGION', `a ${r.kind} is of a city code (xxxx00), not ${r.region}`);
    let region = r.region;
    if (p.type === 'department') {
      const { scope } = this.scopeOf(p);
      const d = p.department!;
      region ??=
        r.kind === 'weekly' ? (d.level === 'county' ? d.regionCode : undefined) : `${d.regionCode.slice(0, 4)}00`;
      if (region === undefined)
        throw apiError(400, 'INVALID_REGION', 'name the county of the weekly report (region)', { field: 'region' });
      const prefix = scope.kind === 'jurisdiction' ? scope.regionPrefix : '';
      if (!region.startsWith(prefix) || (d.level === 'county' && r.kind !== 'weekly'))
        throw apiError(403, 'FORBIDDEN', `${p.id} may not make the ${r.kind} of ${region}`);
    } else if (p.type !== 'operator') throw apiError(403, 'FORBIDDEN', `reports are made by operators and departments`);
    const job: RunReportJob = { kind: r.kind, period: r.period, region, insurer: r.insurer, requestedBy: p.id };
    const result = await this.runJob(job);
    await this.audit.record({
      actor: p.id,
      action: 'reports.run',
      target: `${r.kind}:${region ?? '*'}:${r.period}`,
      outcome: 'ok',
      details: { reports: result.reports.length },
      requestId,
    });
    return {
      items: result.reports.map((x) => ({ ...x, downloads: downloadsOf('/v1/dept/reports', x.reportId) })),
    };
  }

  private async runJob(data: RunReportJob): Promise<ReportJobResult> {
    const connection = redisOptions(this.config.AJX_REDIS_URL);
    const prefix = this.config.AJX_REDIS_PREFIX;
    this.queue ??= new Queue(REPORTS_QUEUE, { connection, prefix });
    if (!this.events) {
      this.events = new QueueEvents(REPORTS_QUEUE, { connection, prefix });
      await this.events.waitUntilReady();
    }
    const job = await this.queue.add(RUN_REPORT_JOB, data, {
      jobId: `run-${randomUUID()}`,
      removeOnComplete: 100,
      removeOnFail: 500,
    });
    try {
      return (await job.waitUntilFinished(this.events, RUN_WAIT_MS)) as ReportJobResult;
    } catch (err) {
      throw apiError(
        503,
        'REPORT_NOT_MADE',
        `the report was not made: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close();
    await this.queue?.close();
  }
}
