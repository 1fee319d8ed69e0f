/**
 * The reports' BullMQ queue (the supervisor's worker): the weekly job (Monday 08:00 Asia/Shanghai, every county-level
 * jurisdiction and its city's bulletin for the week before), the monthly job (the 1st, 08:00: every insurer's
 * scorecard per city for the month before), and on-demand runs for a past period (enqueued by the gateway).
 */
export const REPORTS_QUEUE = 'reports';

export const WEEKLY_REPORTS_JOB = 'weekly-reports';
export const MONTHLY_SCORECARDS_JOB = 'monthly-scorecards';
export const RUN_REPORT_JOB = 'run-report';

/** A scheduled job: the period is the one before the supervisor's today. */
export interface ScheduledReportsJob {
  requestedBy: string;
}

/** An on-demand run: one kind, one period, optionally one county (weekly), city (bulletin) or insurer (scorecard). */
export interface RunReportJob {
  kind: 'weekly' | 'city-bulletin' | 'monthly-scorecard';
  /** `2026-W49` (weekly, city-bulletin) or `2026-11` (monthly-scorecard). */
  period: string;
  /** A county code (weekly), a city code (city-bulletin, monthly-scorecard); absent: every one. */
  region?: string;
  insurer?: string;
  requestedBy: string;
}

/** What a job produced, one line per report. */
export interface ReportJobResult {
  reports: {
    reportId: string;
    kind: string;
    scope: string;
    period: string;
    outcome: 'created' | 'replaced' | 'existing';
  }[];
}
