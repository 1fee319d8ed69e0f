import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports filed upward (docs/reports.md): the weekly report of a county-level jurisdiction, the city's bulletin and
 * the monthly scorecard of an insurer in a city (Jining 七(二), 七(三)).
 *
 * - `reports`: one row per (kind, scope, period) — a retried or duplicated job creates the report once; an operator's
 *   or the owning department's regeneration replaces its document and raises `revision`. The document is the
 *   format-neutral ReportDocument (rendered to CSV/XLSX/PDF on download); `watermark` records the inputs it was
 *   computed from (versions held, the latest acceptance, the register version).
 * - Row-level security for the API role: a department reads the reports of its jurisdiction (`region` under its
 *   prefix: a county its own weekly report, the city its counties' and its own bulletin and scorecards), an insurer
 *   its own scorecards. A scope sets both settings, so one left over on a pooled connection never widens another.
 */
export class Reports1795393860000 implements MigrationInterface {
  name = 'Reports1795393860000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        report_id     uuid PRIMARY KEY,
        kind          text NOT NULL CHECK (kind IN ('weekly', 'city-bulletin', 'monthly-scorecard')),
        scope         text NOT NULL,
        region        text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
        insurer       text,
        period        text NOT NULL,
        period_from   date NOT NULL,
        period_to     date NOT NULL,
        title         text NOT NULL,
        scope_name    text NOT NULL,
        document      jsonb NOT NULL,
        watermark     jsonb NOT NULL,
        revision      integer NOT NULL DEFAULT 1,
        requested_by  text NOT NULL,
        generated_at  timestamptz NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, scope, period),
        CHECK ((kind = 'monthly-scorecard') = (insurer IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX reports_region ON reports (region text_pattern_ops, period_to DESC)`);
    await q.query(`ALTER TABLE reports ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE reports FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY reports_scope ON reports
        USING (
          (coalesce(current_setting('ajx.region_prefix', true), '') ~ '^[0-9]{2,6}$'
           AND region LIKE current_setting('ajx.region_prefix', true) || '%')
          OR (insurer IS NOT NULL AND insurer = current_setting('ajx.insurer', true))
        )`);
    await q.query(`GRANT SELECT ON reports TO ajx_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM dept_feed WHERE kind = 'report'`);
    await q.query(`DROP TABLE reports`);
  }
}
