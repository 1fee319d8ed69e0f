import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Department feeds' delivery side: the `escalated` feed entry, escalation timers of major hazards, webhook endpoints
 * and their delivery outbox, acknowledgements.
 *
 * Writers: the router (escalation rows, with the hazard's routing), the notifier (escalations, deliveries) and the
 * gateway's service connection (webhook configuration, acknowledgements). The API role `ajx_api` reads only what a
 * department may see of its own endpoint and deliveries — under row-level security, and never the secret.
 */
export class DepartmentFeeds1795392400000 implements MigrationInterface {
  name = 'DepartmentFeeds1795392400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dept_feed DROP CONSTRAINT dept_feed_entry_check`);
    await q.query(`
      ALTER TABLE dept_feed ADD CONSTRAINT dept_feed_entry_check
        CHECK (entry IN ('new', 'updated', 'corrected', 'withdrawn', 'escalated'))`);

    // One row per hazard in the urgent lane. The row is the timer: due = tier_started_at + AJX_ESCALATION_AFTER_MS
    // (read by the notifier), so it survives restarts of every component.
    await q.query(`
      CREATE TABLE hazard_escalations (
        insurer          text NOT NULL,
        subject          text NOT NULL,
        version          integer NOT NULL,
        event_id         uuid NOT NULL,
        plan             jsonb NOT NULL,
        tier             text NOT NULL CHECK (tier IN ('county', 'city', 'province')),
        tier_started_at  timestamptz NOT NULL DEFAULT now(),
        state            text NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed', 'exhausted')),
        acknowledged_by  text,
        acknowledged_at  timestamptz,
        closed_reason    text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (insurer, subject)
      )`);
    await q.query(`CREATE INDEX hazard_escalations_due ON hazard_escalations (tier_started_at) WHERE state = 'open'`);
    await q.query(`
      CREATE TABLE hazard_acknowledgements (
        department_id text NOT NULL,
        insurer       text NOT NULL,
        subject       text NOT NULL,
        version       integer NOT NULL,
        tier          text NOT NULL,
        at            timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (department_id, insurer, subject)
      )`);

    // A department's webhook endpoint. `cursor`: every feed entry at or below it is delivered or dead.
    await q.query(`
      CREATE TABLE dept_webhooks (
        department_id   text PRIMARY KEY,
        url             text NOT NULL,
        secret          text NOT NULL,
        cursor          bigint NOT NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner     text,
        lease_until     timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // The outbox: one row per feed entry being or having been delivered to the department's endpoint.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id              uuid PRIMARY KEY,
        department_id   text NOT NULL,
        seq             bigint NOT NULL,
        urgent          boolean NOT NULL,
        state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status     integer,
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        UNIQUE (department_id, seq)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, department_id, seq)`);

    for (const table of ['dept_webhooks', 'webhook_deliveries', 'hazard_acknowledgements']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_department ON ${table}
          USING (department_id = current_setting('ajx.department_id', true))
          WITH CHECK (department_id = current_setting('ajx.department_id', true))`);
    }
    // Column grants: the API role can never read a webhook secret or the notifier's lease.
    await q.query(
      `GRANT SELECT (department_id, url, cursor, next_attempt_at, created_at, updated_at) ON dept_webhooks TO ajx_api`,
    );
    await q.query(`GRANT SELECT ON webhook_deliveries, hazard_acknowledgements TO ajx_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries, dept_webhooks, hazard_acknowledgements, hazard_escalations`);
    await q.query(`DELETE FROM dept_feed WHERE entry = 'escalated'`);
    await q.query(`ALTER TABLE dept_feed DROP CONSTRAINT dept_feed_entry_check`);
    await q.query(`
      ALTER TABLE dept_feed ADD CONSTRAINT dept_feed_entry_check
        CHECK (entry IN ('new', 'updated', 'corrected', 'withdrawn'))`);
  }
}
