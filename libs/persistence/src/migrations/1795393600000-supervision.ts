import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supervision service's own tables (docs/supervision.md, "The service"):
 * - `supervision_versions`: every version of every record the rules read, as first received (a version received twice
 *   counts once), with the hub's acceptance time — the state the rules are evaluated over, per enterprise;
 * - `supervision_findings` and `supervision_finding_history`: each finding (rule, key) with its state (open → resolved,
 *   re-opened), the departments' review (confirmed / dismissed, with a reason) and a version raised on every change;
 *   `published_version` makes the table its own outbox towards `ajx.findings.v1`;
 * - `supervision_figures`: each enterprise's contributions to the figures, replaced when it is evaluated again, so
 *   figures of any jurisdiction are sums (the API role reads them under row-level security by jurisdiction and sectors);
 * - `supervision_targets`: the targets a city's emergency department sets per county and insurer and year (七(九));
 * - `supervision_runs`: every full evaluation (the daily run, a register change, an operator's request).
 */
export class Supervision1795393600000 implements MigrationInterface {
  name = 'Supervision1795393600000';

  async up(q: QueryRunner): Promise<void> {
    // Department views hold findings too (kind `finding`, routed from ajx.findings.v1 like records).
    await q.query(`ALTER TABLE dept_views DROP CONSTRAINT dept_views_kind_check`);
    await q.query(
      `ALTER TABLE dept_views ADD CONSTRAINT dept_views_kind_check
         CHECK (kind IN ('policy', 'service', 'hazard', 'accident', 'claim', 'finding'))`,
    );
    await q.query(`
      CREATE TABLE supervision_versions (
        insurer     text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('policy', 'service', 'hazard', 'accident', 'claim')),
        subject     text NOT NULL,
        version     integer NOT NULL CHECK (version >= 0),
        uscc        text NOT NULL,
        record      jsonb NOT NULL,
        accepted_at text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (insurer, kind, subject, version)
      )`);
    await q.query(`CREATE INDEX supervision_versions_uscc ON supervision_versions (uscc)`);

    await q.query(`
      CREATE TABLE supervision_findings (
        finding_id        uuid PRIMARY KEY,
        rule              text NOT NULL,
        key               text NOT NULL,
        severity          text NOT NULL CHECK (severity IN ('info', 'warning', 'violation')),
        insurer           text,
        uscc              text NOT NULL,
        region            text NOT NULL,
        sector            text NOT NULL,
        facts             jsonb NOT NULL,
        message           text NOT NULL,
        state             text NOT NULL CHECK (state IN ('open', 'resolved')),
        opened_at         timestamptz NOT NULL,
        resolved_at       timestamptz,
        evaluated_on      date NOT NULL,
        review            text CHECK (review IN ('confirmed', 'dismissed')),
        review_reason     text,
        reviewed_by       text,
        reviewed_at       timestamptz,
        version           integer NOT NULL DEFAULT 1,
        published_version integer NOT NULL DEFAULT 0,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (rule, key),
        CHECK ((review IS NULL) = (reviewed_at IS NULL))
      )`);
    await q.query(`CREATE INDEX supervision_findings_uscc ON supervision_findings (uscc) WHERE state = 'open'`);
    await q.query(
      `CREATE INDEX supervision_findings_unpublished ON supervision_findings (finding_id) WHERE published_version < version`,
    );
    await q.query(`CREATE INDEX supervision_findings_insurer ON supervision_findings (insurer, updated_at)`);
    await q.query(`
      CREATE TABLE supervision_finding_history (
        finding_id  uuid NOT NULL REFERENCES supervision_findings (finding_id),
        version     integer NOT NULL,
        change      text NOT NULL CHECK (change IN ('opened', 'updated', 'resolved', 'reopened', 'confirmed', 'dismissed')),
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        state       text NOT NULL,
        facts       jsonb NOT NULL,
        message     text NOT NULL,
        reason      text,
        PRIMARY KEY (finding_id, version)
      )`);

    await q.query(`
      CREATE TABLE supervision_figures (
        uscc     text NOT NULL,
        member   text NOT NULL,
        key      text NOT NULL,
        county   text NOT NULL,
        sector   text NOT NULL,
        vals     bigint[] NOT NULL,
        PRIMARY KEY (uscc, member, key)
      )`);
    await q.query(`CREATE INDEX supervision_figures_county ON supervision_figures (county text_pattern_ops, member)`);

    // The coverage figures at each full evaluation (summed per county and sector): week-over-week changes and the
    // coverage of a past date for the reports, without evaluating the past again.
    await q.query(`
      CREATE TABLE supervision_coverage_snapshots (
        as_of   date NOT NULL,
        county  text NOT NULL,
        sector  text NOT NULL,
        vals    bigint[] NOT NULL,
        PRIMARY KEY (as_of, county, sector)
      )`);

    await q.query(`
      CREATE TABLE supervision_targets (
        year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        city          text NOT NULL CHECK (city ~ '^[0-9]{4}00$'),
        scope         text NOT NULL CHECK (scope IN ('county', 'insurer')),
        scope_id      text NOT NULL,
        insured       integer CHECK (insured >= 0),
        premium_fen   bigint CHECK (premium_fen >= 0),
        set_by        text NOT NULL,
        set_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (year, city, scope, scope_id)
      )`);

    await q.query(`
      CREATE TABLE supervision_runs (
        run_id       bigserial PRIMARY KEY,
        reason       text NOT NULL,
        as_of        date NOT NULL,
        requested_by text NOT NULL,
        register_version integer,
        started_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz,
        enterprises  integer,
        opened       integer,
        updated      integer,
        resolved     integer,
        error        text
      )`);

    // The department API (role ajx_api) reads figures of its jurisdiction and sectors only; the scope is set per
    // transaction (DepartmentScope) like the department id of the views.
    await q.query(`ALTER TABLE supervision_figures ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE supervision_figures FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY supervision_figures_jurisdiction ON supervision_figures
        USING (
          current_setting('ajx.region_prefix', true) IS NOT NULL
          AND county LIKE current_setting('ajx.region_prefix', true) || '%'
          AND (current_setting('ajx.sectors', true) = '*'
               OR sector = ANY (string_to_array(current_setting('ajx.sectors', true), ',')))
        )`);
    await q.query(`GRANT SELECT ON supervision_figures TO ajx_api`);
    await q.query(`ALTER TABLE supervision_coverage_snapshots ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE supervision_coverage_snapshots FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY supervision_coverage_snapshots_jurisdiction ON supervision_coverage_snapshots
        USING (
          current_setting('ajx.region_prefix', true) IS NOT NULL
          AND county LIKE current_setting('ajx.region_prefix', true) || '%'
          AND (current_setting('ajx.sectors', true) = '*'
               OR sector = ANY (string_to_array(current_setting('ajx.sectors', true), ',')))
        )`);
    await q.query(`GRANT SELECT ON supervision_coverage_snapshots TO ajx_api`);

    // Findings: a department reads those of its jurisdiction and sectors (the same rule that routes them to its
    // feed), an insurer those attributed to it; the history follows its finding.
    await q.query(`ALTER TABLE supervision_findings ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE supervision_findings FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY supervision_findings_scope ON supervision_findings
        USING (
          (current_setting('ajx.region_prefix', true) IS NOT NULL
           AND region LIKE current_setting('ajx.region_prefix', true) || '%'
           AND (current_setting('ajx.sectors', true) = '*'
                OR sector = ANY (string_to_array(current_setting('ajx.sectors', true), ','))))
          OR (insurer IS NOT NULL AND insurer = current_setting('ajx.insurer', true))
        )`);
    await q.query(`ALTER TABLE supervision_finding_history ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE supervision_finding_history FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY supervision_finding_history_scope ON supervision_finding_history
        USING (EXISTS (SELECT 1 FROM supervision_findings f WHERE f.finding_id = supervision_finding_history.finding_id))`);
    await q.query(`GRANT SELECT ON supervision_findings, supervision_finding_history TO ajx_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM dept_views WHERE kind = 'finding'`);
    await q.query(`ALTER TABLE dept_views DROP CONSTRAINT dept_views_kind_check`);
    await q.query(
      `ALTER TABLE dept_views ADD CONSTRAINT dept_views_kind_check
         CHECK (kind IN ('policy', 'service', 'hazard', 'accident', 'claim'))`,
    );
    await q.query(
      `DROP TABLE supervision_runs, supervision_targets, supervision_coverage_snapshots, supervision_figures, supervision_finding_history,
                  supervision_findings, supervision_versions`,
    );
  }
}
