import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulator's own tables, in its own schema (the connection's search_path): it stands for another
 * organisation's system, so it shares nothing with the hub's schema.
 */
export class ProvinceSimInitial1795400000000 implements MigrationInterface {
  name = 'ProvinceSimInitial1795400000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per batch (or pulled page) recorded; the batch id is the only thing deduplicated on.
    await q.query(`
      CREATE TABLE batches (
        batch_id          text        PRIMARY KEY,
        sender            text        NOT NULL,
        mode              text        NOT NULL CHECK (mode IN ('realtime', 'scheduled', 'resend', 'pull')),
        resend_of         date,
        resend_attempt    int,
        content_digest    text        NOT NULL,
        key_id            text,
        entry_count       int         NOT NULL,
        duplicate_entries int         NOT NULL,
        first_seq         bigint      NOT NULL,
        last_seq          bigint      NOT NULL,
        sent_at           timestamptz NOT NULL,
        received_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        redeliveries      int         NOT NULL DEFAULT 0
      )`);
    // Every entry as received, in the order received (id), duplicates included.
    await q.query(`
      CREATE TABLE delivery_log (
        id            bigserial   PRIMARY KEY,
        batch_id      text        NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
        position      int         NOT NULL,
        seq           bigint      NOT NULL,
        event_id      uuid        NOT NULL,
        event_digest  text        NOT NULL,
        subject       text        NOT NULL,
        insurer       text        NOT NULL,
        kind          text        NOT NULL,
        type          text        NOT NULL,
        version       int         NOT NULL,
        uscc          text        NOT NULL,
        region        text        NOT NULL,
        correction    boolean     NOT NULL,
        accepted_date date        NOT NULL,
        duplicate     boolean     NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        event         jsonb       NOT NULL,
        UNIQUE (batch_id, position)
      )`);
    await q.query(`CREATE INDEX delivery_log_event ON delivery_log (event_id, event_digest)`);
    await q.query(`CREATE INDEX delivery_log_accepted_date ON delivery_log (accepted_date)`);
    await q.query(`
      CREATE TABLE receiver_state (
        sender    text   PRIMARY KEY,
        watermark bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE seen_signatures (
        key        text        PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX seen_signatures_expiry ON seen_signatures (expires_at)`);
    await q.query(`
      CREATE TABLE manifest_checks (
        id          bigserial   PRIMARY KEY,
        date        date        NOT NULL,
        sender      text        NOT NULL,
        status      text        NOT NULL CHECK (status IN ('match', 'mismatch')),
        manifest    jsonb       NOT NULL,
        cells       jsonb       NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE reconciliation_reports (
        id           bigserial   PRIMARY KEY,
        date         date        NOT NULL,
        cells        jsonb       NOT NULL,
        status       text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts     int         NOT NULL DEFAULT 0,
        last_error   text,
        hub_status   int,
        created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE pull_state (
        source     text        PRIMARY KEY,
        cursor     text        NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'pull_state',
      'reconciliation_reports',
      'manifest_checks',
      'seen_signatures',
      'receiver_state',
      'delivery_log',
      'batches',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
