import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Department views and feeds, isolated by row-level security. The API reads them as `ajx_api`, a role that is
 * neither superuser nor owner, so the policies apply to it (FORCE makes them apply to the owner too, except
 * superusers); the department is set per transaction with set_config('ajx.department_id', id, true).
 */
export class DepartmentViews1795392300000 implements MigrationInterface {
  name = 'DepartmentViews1795392300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ajx_api') THEN
          CREATE ROLE ajx_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        END IF;
      END $$`);
    await q.query(`
      CREATE TABLE dept_views (
        department_id text NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('policy', 'service', 'hazard')),
        insurer       text NOT NULL,
        subject       text NOT NULL,
        version       integer NOT NULL,
        event_id      uuid NOT NULL,
        action        text NOT NULL,
        uscc          text NOT NULL,
        region        text NOT NULL,
        sector        text NOT NULL,
        status        text,
        level         text,
        urgent        boolean NOT NULL DEFAULT false,
        data          jsonb NOT NULL,
        business_time text NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        feed_seq      bigint NOT NULL,
        PRIMARY KEY (department_id, kind, insurer, subject)
      )`);
    await q.query(`CREATE INDEX dept_views_record ON dept_views (kind, insurer, subject)`);
    await q.query(`CREATE INDEX dept_views_updated ON dept_views (department_id, kind, updated_at)`);
    await q.query(`CREATE INDEX dept_views_uscc ON dept_views (department_id, uscc)`);
    await q.query(`
      CREATE TABLE dept_feed (
        department_id text NOT NULL,
        seq           bigint NOT NULL,
        entry         text NOT NULL CHECK (entry IN ('new', 'updated', 'corrected', 'withdrawn')),
        urgent        boolean NOT NULL DEFAULT false,
        kind          text NOT NULL,
        insurer       text NOT NULL,
        subject       text NOT NULL,
        version       integer NOT NULL,
        event_id      uuid NOT NULL,
        data          jsonb,
        at            timestamptz NOT NULL DEFAULT now(),
        accepted_at   timestamptz,
        PRIMARY KEY (department_id, seq)
      )`);
    await q.query(`CREATE INDEX dept_feed_urgent ON dept_feed (department_id, seq) WHERE urgent`);
    // Per-department sequence: taken under the row lock as the last step of the writing transaction, so a
    // department's feed becomes visible in commit order and a cursor never skips a late commit.
    // The router's own record of the latest version routed per record: stale versions and duplicates stop here.
    await q.query(`
      CREATE TABLE route_records (
        kind      text NOT NULL,
        insurer   text NOT NULL,
        subject   text NOT NULL,
        version   integer NOT NULL,
        event_id  uuid NOT NULL,
        routed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, insurer, subject)
      )`);
    await q.query(`CREATE TABLE dept_counters (department_id text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0)`);

    for (const table of ['dept_views', 'dept_feed']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_department ON ${table}
          USING (department_id = current_setting('ajx.department_id', true))
          WITH CHECK (department_id = current_setting('ajx.department_id', true))`);
      await q.query(`GRANT SELECT ON ${table} TO ajx_api`);
    }

    await q.query(`
      CREATE TABLE rule_packs (
        pack_id     text NOT NULL,
        version     integer NOT NULL,
        content     jsonb NOT NULL,
        activated_at timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text NOT NULL,
        PRIMARY KEY (pack_id, version)
      )`);
    await q.query(`
      CREATE TABLE projection_jobs (
        id            bigserial PRIMARY KEY,
        department_id text,
        reason        text NOT NULL,
        status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
        cursor        text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        error         text,
        lease_until   timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection_jobs, rule_packs, dept_counters, route_records, dept_feed, dept_views`);
  }
}
