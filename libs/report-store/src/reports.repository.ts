import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { returningRows } from '@ajx/persistence';
import type { ReportDocument } from '@ajx/report-rendering';
import { DataSource, type EntityManager } from 'typeorm';
import type { ScopedReportRead } from './report-scope';

export type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

export type StoredReportKind = 'weekly' | 'city-bulletin' | 'monthly-scorecard';
export const STORED_REPORT_KINDS: readonly StoredReportKind[] = ['weekly', 'city-bulletin', 'monthly-scorecard'];

/** What a report was computed from: how much of the supervision state it saw. */
export interface ReportWatermark {
  /** Versions of records held when it was computed. */
  versions: number;
  /** The latest acceptance time among them (RFC 3339), null when none carries one. */
  latestAcceptedAt: string | null;
  /** The must-insure register's version (null: none). */
  registerVersion: number | null;
  /** The dates the rules were evaluated on: the period's last day and the day before it began. */
  asOf: string;
  before: string;
}

/** A report to keep. */
export interface NewReport {
  kind: StoredReportKind;
  /** `370811` (weekly), `370800` (bulletin), `370800-PICC` (scorecard). */
  scope: string;
  /** Who reads it: the county's or the city's code. */
  region: string;
  insurer: string | null;
  /** `2026-W49`, `2026-11`. */
  period: string;
  document: ReportDocument;
  watermark: ReportWatermark;
  requestedBy: string;
}

export interface StoredReport {
  reportId: string;
  kind: StoredReportKind;
  scope: string;
  region: string;
  insurer: string | null;
  period: string;
  periodFrom: string;
  periodTo: string;
  title: string;
  scopeName: string;
  revision: number;
  requestedBy: string;
  generatedAt: Date;
  createdAt: Date;
  watermark: ReportWatermark;
}

export interface StoredReportWithDocument extends StoredReport {
  document: ReportDocument;
}

interface ReportDbRow {
  report_id: string;
  kind: StoredReportKind;
  scope: string;
  region: string;
  insurer: string | null;
  period: string;
  period_from: string | Date;
  period_to: string | Date;
  title: string;
  scope_name: string;
  revision: number;
  requested_by: string;
  generated_at: Date;
  created_at: Date;
  watermark: ReportWatermark;
  document?: ReportDocument;
}

const dateText = (d: string | Date) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10));

function storedOf(r: ReportDbRow): StoredReport {
  return {
    reportId: r.report_id,
    kind: r.kind,
    scope: r.scope,
    region: r.region,
    insurer: r.insurer,
    period: r.period,
    periodFrom: dateText(r.period_from),
    periodTo: dateText(r.period_to),
    title: r.title,
    scopeName: r.scope_name,
    revision: r.revision,
    requestedBy: r.requested_by,
    generatedAt: r.generated_at,
    createdAt: r.created_at,
    watermark: r.watermark,
  };
}

const SUMMARY_COLUMNS = `report_id, kind, scope, region, insurer, period, period_from::text AS period_from,
  period_to::text AS period_to, title, scope_name, revision, requested_by, generated_at, created_at, watermark`;

/** The stable id of a report: UUID of the SHA-256 of `kind:scope:period` (the same report has the same id everywhere). */
export function reportIdOf(kind: string, scope: string, period: string): string {
  const h = createHash('sha256').update(`report:${kind}:${scope}:${period}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ReportListFilter {
  kind?: StoredReportKind;
  period?: string;
  limit: number;
}

/**
 * `reports`: the reports filed upward, one per (kind, scope, period). Written by the supervisor (its scheduled jobs
 * and on-demand runs) on the service connection; read by departments and insurers through
 * {@link ReportReadRepository} on the API role under row-level security.
 */
@Injectable()
export class ReportsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Keeps a report. `once` (scheduled jobs): an existing report of the same (kind, scope, period) stays as it is and
   * nothing is returned as created; `replace` (a regeneration): its document and watermark are replaced and its
   * revision raised. Returns the report as stored and what happened.
   */
  async save(
    tx: Queryable,
    r: NewReport,
    mode: 'once' | 'replace',
  ): Promise<{ report: StoredReport; outcome: 'created' | 'replaced' | 'existing' }> {
    const id = reportIdOf(r.kind, r.scope, r.period);
    const values = [
      id,
      r.kind,
      r.scope,
      r.region,
      r.insurer,
      r.period,
      r.document.period.from,
      r.document.period.to,
      r.document.title,
      r.document.scopeName,
      r.document,
      r.watermark,
      r.requestedBy,
      r.document.generatedAt,
    ];
    const conflict =
      mode === 'once'
        ? 'DO NOTHING'
        : `DO UPDATE SET document = EXCLUDED.document, watermark = EXCLUDED.watermark, title = EXCLUDED.title,
             scope_name = EXCLUDED.scope_name, requested_by = EXCLUDED.requested_by,
             generated_at = EXCLUDED.generated_at, revision = reports.revision + 1`;
    const [row] = await returningRows<ReportDbRow & { inserted: boolean }>(
      tx,
      `INSERT INTO reports (report_id, kind, scope, region, insurer, period, period_from, period_to, title, scope_name,
                            document, watermark, requested_by, generated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (kind, scope, period) ${conflict}
       RETURNING ${SUMMARY_COLUMNS}, (xmax = 0) AS inserted`,
      values,
    );
    if (row) return { report: storedOf(row), outcome: row.inserted ? 'created' : 'replaced' };
    const existing = await this.byKey(tx, r.kind, r.scope, r.period);
    if (!existing) throw new Error(`report ${r.kind} ${r.scope} ${r.period} neither inserted nor found`);
    return { report: existing, outcome: 'existing' };
  }

  async byKey(tx: Queryable, kind: string, scope: string, period: string): Promise<StoredReport | null> {
    const rows = await tx.query<ReportDbRow[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM reports WHERE kind = $1 AND scope = $2 AND period = $3`,
      [kind, scope, period],
    );
    return rows[0] ? storedOf(rows[0]) : null;
  }

  /** Reports of a kind and period (trusted callers: the supervisor, tests of the service). */
  async ofPeriod(kind: StoredReportKind, period: string): Promise<StoredReport[]> {
    const rows = await this.db.query<ReportDbRow[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM reports WHERE kind = $1 AND period = $2 ORDER BY scope`,
      [kind, period],
    );
    return rows.map(storedOf);
  }
}

/**
 * Reads of reports for a department or an insurer on the API's connection (role `ajx_api`): every query runs in a
 * transaction that first sets the scope (both settings, transaction-local), and row-level security hides the rest.
 */
export class ReportReadRepository {
  constructor(private readonly db: DataSource) {}

  private inScope<T>(scope: ScopedReportRead, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('ajx.region_prefix', $1, true), set_config('ajx.insurer', $2, true)`, [
        scope.kind === 'jurisdiction' ? scope.regionPrefix : '',
        scope.kind === 'insurer' ? scope.insurer : '',
      ]);
      return work(tx);
    });
  }

  list(scope: ScopedReportRead, filter: ReportListFilter): Promise<StoredReport[]> {
    return this.inScope(scope, async (tx) => {
      const rows = await tx.query<ReportDbRow[]>(
        `SELECT ${SUMMARY_COLUMNS} FROM reports
          WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR period = $2)
          ORDER BY period_to DESC, kind, scope LIMIT $3`,
        [filter.kind ?? null, filter.period ?? null, filter.limit],
      );
      return rows.map(storedOf);
    });
  }

  get(scope: ScopedReportRead, reportId: string): Promise<StoredReportWithDocument | null> {
    return this.inScope(scope, async (tx) => {
      const rows = await tx.query<ReportDbRow[]>(
        `SELECT ${SUMMARY_COLUMNS}, document FROM reports WHERE report_id = $1`,
        [reportId],
      );
      return rows[0] ? { ...storedOf(rows[0]), document: rows[0].document! } : null;
    });
  }
}
