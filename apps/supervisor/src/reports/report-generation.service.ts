import { Injectable, Logger } from '@nestjs/common';
import { findKindRule, type RulePack } from '@ajx/authz';
import { ReportAnnouncer } from '@ajx/dept-store';
import { IdentityRepository, type Principal } from '@ajx/identity';
import { RegisterRepository } from '@ajx/interchange-store';
import {
  cityBulletin,
  cityOf,
  monthlyScorecard,
  monthPeriod,
  type PeriodEvaluation,
  PeriodEvaluator,
  type ReportPeriodSpec,
  reportScopes,
  weeklyReport,
  weekPeriod,
} from '@ajx/report-content';
import { REPORT_FORMATS, type ReportDocument } from '@ajx/report-rendering';
import {
  type NewReport,
  type ReportJobResult,
  ReportsRepository,
  type RunReportJob,
  type StoredReport,
} from '@ajx/report-store';
import { LADDER_RULES, MARKET_EXIT_RULE, supervisionParameters, type SupervisionParameters } from '@ajx/supervision';
import {
  SupervisionFindingsRepository,
  SupervisionTargetsRepository,
  SupervisionVersionsRepository,
} from '@ajx/supervision-store';
import { DataSource } from 'typeorm';
import { SupervisorConfig } from '../supervisor.config';

export interface ReportRequest {
  kind: RunReportJob['kind'];
  period: ReportPeriodSpec;
  /** Only this county (weekly) or city (bulletin, scorecard). */
  region?: string;
  insurer?: string;
  /** `once`: a report that exists stays (scheduled jobs); `replace`: regenerated (on demand). */
  mode: 'once' | 'replace';
  requestedBy: string;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Now as an ISO 8601 timestamp in Beijing time (`2026-12-07T08:00:03+08:00`). */
function beijingNow(): string {
  return `${new Date(Date.now() + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/**
 * Generates reports (docs/reports.md): reads what the rules read (the versions held and the register, enterprise by
 * enterprise, AJX_SUPERVISION_CHUNK at a time, in one snapshot; the year's targets, confirmed findings), evaluates
 * the period's last day and the day before it began with the supervision library (report-content), and keeps each
 * report with its watermark — announcing a new or regenerated report in the feeds of the departments it is for, in
 * the same transaction. Memory holds one chunk's versions and what the reports keep, not every version of the
 * province.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);
  private readonly pack: RulePack;
  private readonly params: SupervisionParameters;
  private readonly chunk: number;

  constructor(
    config: SupervisorConfig,
    private readonly db: DataSource,
    private readonly versions: SupervisionVersionsRepository,
    private readonly register: RegisterRepository,
    private readonly targets: SupervisionTargetsRepository,
    private readonly findings: SupervisionFindingsRepository,
    private readonly reports: ReportsRepository,
    private readonly announcer: ReportAnnouncer,
    private readonly identity: IdentityRepository,
  ) {
    this.pack = config.rulePack();
    this.params = supervisionParameters(this.pack);
    this.chunk = config.AJX_SUPERVISION_CHUNK;
  }

  static periodOf(kind: RunReportJob['kind'], code: string): ReportPeriodSpec {
    return kind === 'monthly-scorecard' ? monthPeriod(code) : weekPeriod(code);
  }

  async generate(req: ReportRequest): Promise<ReportJobResult> {
    const started = Date.now();
    const year = Number(req.period.to.slice(0, 4));
    const [targets, confirmed] = await Promise.all([
      this.targets.ofYear(year, ''),
      this.findings.confirmed([...LADDER_RULES, MARKET_EXIT_RULE], year, ''),
    ]);
    // One snapshot for every chunk and the watermark: a batch stored meanwhile is in all of them or in none.
    const read = await this.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      // One connection: one query at a time.
      const held = await this.versions.watermark(tx);
      const registerVersion = await this.register.latestVersion(tx);
      const withVersions = await this.versions.enterprises(tx);
      const registered = await this.register.currentUsccs(tx);
      const evaluator = new PeriodEvaluator(this.params, req.period);
      const all = [...new Set([...withVersions, ...registered])].sort();
      for (let i = 0; i < all.length; i += this.chunk) {
        const usccs = all.slice(i, i + this.chunk);
        const inputs = await this.versions.inputsOf(tx, usccs);
        const entries = await this.register.supervisionEntriesOf(usccs, tx);
        evaluator.add(
          usccs,
          inputs,
          entries.map((e) => ({
            uscc: e.uscc,
            regionCode: e.regionCode,
            sector: e.sector,
            employeeCount: e.employeeCount,
            alternative: e.alternative === 'risk_deposit' ? 'risk_deposit' : null,
          })),
        );
      }
      return { held, registerVersion, evaluator };
    });
    const { held, registerVersion } = read;
    const ev = read.evaluator.finish({
      targets: targets.map((t) => ({
        city: t.city,
        scope: t.scope,
        scopeId: t.scopeId,
        insured: t.insured,
        premiumFen: t.premiumFen,
      })),
      confirmed: confirmed.map((f) => ({
        rule: f.rule,
        key: f.key,
        insurer: f.insurer,
        confirmedAt: f.review!.at.toISOString(),
      })),
      generatedAt: beijingNow(),
    });
    const watermark = {
      versions: held.versions,
      latestAcceptedAt: held.latestAcceptedAt,
      registerVersion,
      asOf: ev.end.asOf,
      before: ev.before.asOf,
    };
    const planned = this.plan(ev, req).map((p) => ({ ...p, watermark, requestedBy: req.requestedBy }));
    const departments = (await this.identity.listPrincipals('department')).filter(
      (d) => d.disabledAt === null && d.department !== null && findKindRule(this.pack, d.department.kind)?.allSectors,
    );
    const result: ReportJobResult = { reports: [] };
    for (const report of planned) {
      const saved = await this.db.transaction(async (tx) => {
        const s = await this.reports.save(tx, report, req.mode);
        if (s.outcome !== 'existing')
          await this.announcer.announce(tx, recipients(departments, report), {
            reportId: s.report.reportId,
            revision: s.report.revision,
            insurer: report.insurer ?? '',
            data: announcement(s.report),
          });
        return s;
      });
      result.reports.push({
        reportId: saved.report.reportId,
        kind: report.kind,
        scope: report.scope,
        period: report.period,
        outcome: saved.outcome,
      });
    }
    this.logger.log(
      `${req.kind} ${req.period.code}: ${result.reports.filter((r) => r.outcome !== 'existing').length} of ` +
        `${result.reports.length} reports written in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${held.versions} versions, asOf ${ev.end.asOf})`,
    );
    return result;
  }

  /** The reports of a request: every county (or the one asked for) and so on. */
  private plan(ev: PeriodEvaluation, req: ReportRequest): Omit<NewReport, 'watermark' | 'requestedBy'>[] {
    const scopes = reportScopes(ev);
    const want = (code: string) => req.region === undefined || req.region === code;
    const period = req.period.code;
    const one = (doc: ReportDocument, kind: NewReport['kind'], region: string, insurer: string | null) => ({
      kind,
      scope: doc.scopeCode ?? region,
      region,
      insurer,
      period,
      document: doc,
    });
    switch (req.kind) {
      case 'weekly': {
        const counties = req.region !== undefined ? [req.region] : scopes.counties;
        return counties.filter(want).map((c) => one(weeklyReport(ev, c), 'weekly', c, null));
      }
      case 'city-bulletin': {
        const cities = req.region !== undefined ? [req.region] : scopes.cities;
        return cities.map((c) => one(cityBulletin(ev, c), 'city-bulletin', c, null));
      }
      case 'monthly-scorecard': {
        const out: Omit<NewReport, 'watermark' | 'requestedBy'>[] = [];
        for (const [city, insurers] of scopes.insurers) {
          if (!want(city)) continue;
          for (const insurer of insurers)
            if (req.insurer === undefined || req.insurer === insurer)
              out.push(one(monthlyScorecard(ev, city, insurer), 'monthly-scorecard', city, insurer));
        }
        if (!out.length && req.region !== undefined && req.insurer !== undefined)
          out.push(one(monthlyScorecard(ev, req.region, req.insurer), 'monthly-scorecard', req.region, req.insurer));
        return out;
      }
    }
  }
}

/**
 * Who a report is delivered to (七(二): filed with the city): the emergency departments (kinds supervising every
 * sector) of the city, and for a weekly report also the county's own.
 */
function recipients(departments: readonly Principal[], report: Pick<NewReport, 'kind' | 'region'>): string[] {
  const city = cityOf(report.region);
  return departments
    .filter((d) => {
      const { level, regionCode } = d.department!;
      if (level === 'city') return cityOf(regionCode) === city;
      return report.kind === 'weekly' && level === 'county' && regionCode === report.region;
    })
    .map((d) => d.id);
}

/** The feed entry's data: what the report is and where to download it. */
export function announcement(r: StoredReport) {
  return {
    reportId: r.reportId,
    kind: r.kind,
    scope: r.scope,
    scopeName: r.scopeName,
    title: r.title,
    period: r.period,
    periodFrom: r.periodFrom,
    periodTo: r.periodTo,
    revision: r.revision,
    generatedAt: r.generatedAt.toISOString(),
    downloads: Object.fromEntries(REPORT_FORMATS.map((f) => [f, `/v1/dept/reports/${r.reportId}.${f}`])),
  };
}
