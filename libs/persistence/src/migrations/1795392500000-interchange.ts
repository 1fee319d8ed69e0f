import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub side of the provincial interchange: per endpoint the watermark (last acknowledged `canonical_events.seq`)
 * and the one batch in flight (the outbox, kept before it is sent so a restart re-sends it unchanged), the history
 * of acknowledged batches, reconciliation re-sends and daily manifests; and the must-insure register (应保企业名录):
 * every submission with its entries, versioned at commit, and the current entry per enterprise.
 */
export class Interchange1795392500000 implements MigrationInterface {
  name = 'Interchange1795392500000';

  async up(q: QueryRunner): Promise<void> {
    // Readers of one province's stream in sequence order, and of one acceptance day in sequence order.
    await q.query(`CREATE INDEX canonical_events_province_seq ON canonical_events ((substr(region, 1, 2)), seq)`);
    await q.query(`CREATE INDEX canonical_events_date_seq ON canonical_events (accepted_date, seq)`);

    await q.query(`
      CREATE TABLE interchange_endpoints (
        endpoint_id             text PRIMARY KEY,
        province                text NOT NULL CHECK (province ~ '^[1-9][0-9]$'),
        watermark               bigint NOT NULL DEFAULT 0 CHECK (watermark >= 0),
        scheduled_target        bigint,
        scheduled_requested_at  timestamptz,
        manifests_requested_at  timestamptz,
        halted_at               timestamptz,
        halted_reason           text,
        acked_at                timestamptz,
        created_at              timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE interchange_resends (
        id            bigserial PRIMARY KEY,
        endpoint_id   text NOT NULL REFERENCES interchange_endpoints (endpoint_id),
        date          date NOT NULL,
        attempt       integer NOT NULL CHECK (attempt >= 1),
        status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done')),
        upto_seq      bigint,
        progress_seq  bigint NOT NULL DEFAULT 0,
        entries       integer NOT NULL DEFAULT 0,
        batches       integer NOT NULL DEFAULT 0,
        requested_by  text NOT NULL,
        report        jsonb,
        requested_at  timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz,
        UNIQUE (endpoint_id, date, attempt)
      )`);
    // At most one open re-send per endpoint and day: a second report while one is open joins it.
    await q.query(
      `CREATE UNIQUE INDEX interchange_resends_open ON interchange_resends (endpoint_id, date) WHERE status <> 'done'`,
    );
    await q.query(`
      CREATE TABLE interchange_outbox (
        endpoint_id      text PRIMARY KEY REFERENCES interchange_endpoints (endpoint_id),
        batch_id         text NOT NULL,
        mode             text NOT NULL CHECK (mode IN ('realtime', 'scheduled', 'resend')),
        resend_id        bigint REFERENCES interchange_resends (id),
        first_seq        bigint NOT NULL,
        last_seq         bigint NOT NULL,
        entries          integer NOT NULL CHECK (entries > 0),
        body             text NOT NULL,
        attempts         integer NOT NULL DEFAULT 0,
        last_error       text,
        last_attempt_at  timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CHECK ((mode = 'resend') = (resend_id IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE interchange_batches (
        endpoint_id         text NOT NULL REFERENCES interchange_endpoints (endpoint_id),
        batch_id            text NOT NULL,
        mode                text NOT NULL,
        resend_id           bigint,
        first_seq           bigint NOT NULL,
        last_seq            bigint NOT NULL,
        entries             integer NOT NULL,
        status              text NOT NULL CHECK (status IN ('accepted', 'already-accepted')),
        duplicate_entries   integer NOT NULL,
        receiver_watermark  bigint NOT NULL,
        attempts            integer NOT NULL,
        created_at          timestamptz NOT NULL,
        acked_at            timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (endpoint_id, batch_id)
      )`);
    await q.query(`CREATE INDEX interchange_batches_acked ON interchange_batches (endpoint_id, acked_at)`);
    await q.query(`
      CREATE TABLE interchange_manifests (
        endpoint_id  text NOT NULL REFERENCES interchange_endpoints (endpoint_id),
        date         date NOT NULL,
        status       text NOT NULL CHECK (status IN ('match', 'mismatch', 'recheck', 'failed')),
        manifest     jsonb NOT NULL,
        verdict      jsonb,
        attempts     integer NOT NULL DEFAULT 0,
        last_error   text,
        sent_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (endpoint_id, date)
      )`);

    await q.query(`
      CREATE TABLE register_submissions (
        id              bigserial PRIMARY KEY,
        version         integer UNIQUE,
        source          text NOT NULL CHECK (source IN ('province', 'department')),
        submitted_by    text NOT NULL,
        scope_region    text NOT NULL CHECK (scope_region ~ '^[0-9]{2,6}$'),
        scope_sectors   text[],
        entries         integer NOT NULL DEFAULT 0,
        added           integer NOT NULL DEFAULT 0,
        removed         integer NOT NULL DEFAULT 0,
        content_sha256  bytea,
        request_id      text,
        submitted_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (array_length(scope_sectors, 1) > 0)
      )`);
    await q.query(
      `CREATE INDEX register_submissions_scope ON register_submissions (scope_region text_pattern_ops, version)`,
    );
    await q.query(`
      CREATE TABLE register_entries (
        submission_id   bigint NOT NULL REFERENCES register_submissions (id) ON DELETE CASCADE,
        line            integer NOT NULL,
        uscc            text NOT NULL,
        name            text NOT NULL,
        region          text NOT NULL,
        sector          text NOT NULL,
        industry_code   text,
        employee_count  integer,
        address         text,
        note            text,
        PRIMARY KEY (submission_id, uscc)
      )`);
    await q.query(`CREATE INDEX register_entries_uscc ON register_entries (uscc)`);
    await q.query(`
      CREATE TABLE register_current (
        uscc            text PRIMARY KEY,
        submission_id   bigint NOT NULL REFERENCES register_submissions (id),
        version         integer NOT NULL,
        name            text NOT NULL,
        region          text NOT NULL,
        sector          text NOT NULL,
        industry_code   text,
        employee_count  integer,
        address         text,
        note            text,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX register_current_region ON register_current (region text_pattern_ops, uscc)`);
    await q.query(`CREATE INDEX register_current_sector ON register_current (sector, region)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE register_current, register_entries, register_submissions`);
    await q.query(
      `DROP TABLE interchange_manifests, interchange_batches, interchange_outbox, interchange_resends, interchange_endpoints`,
    );
    await q.query(`DROP INDEX canonical_events_date_seq, canonical_events_province_seq`);
  }
}
