import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The canonical store: every canonical event once (by its deterministic id), the latest state per record
 * (insurer, kind, subject) by version, corrections history, and the DLQ as queryable state.
 */
export class CanonicalStore1795392200000 implements MigrationInterface {
  name = 'CanonicalStore1795392200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO stream_counters (stream) VALUES ('canonical') ON CONFLICT DO NOTHING`);
    await q.query(`
      CREATE TABLE canonical_events (
        event_id       uuid PRIMARY KEY,
        seq            bigint NOT NULL UNIQUE,
        insurer        text NOT NULL,
        kind           text NOT NULL CHECK (kind IN ('policy', 'service', 'hazard')),
        subject        text NOT NULL,
        version        integer NOT NULL CHECK (version >= 0),
        type           text NOT NULL,
        uscc           text NOT NULL,
        region         text NOT NULL,
        sector         text NOT NULL,
        business_time  text NOT NULL,
        data           jsonb NOT NULL,
        content_hash   bytea NOT NULL,
        revision       integer NOT NULL DEFAULT 0,
        accepted_at    timestamptz NOT NULL,
        accepted_date  date NOT NULL,
        stored_at      timestamptz NOT NULL DEFAULT now(),
        batch_id       uuid,
        record_index   integer
      )`);
    await q.query(`CREATE INDEX canonical_events_region_seq ON canonical_events (region text_pattern_ops, seq)`);
    await q.query(`CREATE INDEX canonical_events_accepted_date ON canonical_events (accepted_date, insurer, kind)`);
    await q.query(`
      CREATE TABLE canonical_records (
        insurer     text NOT NULL,
        kind        text NOT NULL,
        subject     text NOT NULL,
        version     integer NOT NULL,
        event_id    uuid NOT NULL,
        uscc        text NOT NULL,
        region      text NOT NULL,
        sector      text NOT NULL,
        data        jsonb NOT NULL,
        updated_seq bigint NOT NULL,
        PRIMARY KEY (insurer, kind, subject)
      )`);
    await q.query(`CREATE INDEX canonical_records_uscc ON canonical_records (uscc)`);
    await q.query(`
      CREATE TABLE canonical_corrections (
        event_id      uuid NOT NULL REFERENCES canonical_events (event_id),
        revision      integer NOT NULL,
        previous_hash bytea NOT NULL,
        content_hash  bytea NOT NULL,
        previous_data jsonb NOT NULL,
        replay_id     text,
        corrected_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, revision)
      )`);
    await q.query(`
      CREATE TABLE dlq_entries (
        id             bigserial PRIMARY KEY,
        insurer        text NOT NULL,
        batch_id       uuid,
        record_index   integer,
        source_id      text,
        code           text NOT NULL,
        message        text NOT NULL,
        raw            jsonb,
        raw_text       text,
        source_topic   text NOT NULL,
        source_partition integer NOT NULL,
        source_offset  bigint NOT NULL,
        accepted_at    timestamptz,
        rejected_at    timestamptz NOT NULL DEFAULT now(),
        status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        attempts       integer NOT NULL DEFAULT 1,
        resolved_at    timestamptz,
        resolved_event_id uuid,
        UNIQUE (source_topic, source_partition, source_offset)
      )`);
    await q.query(`CREATE INDEX dlq_entries_open ON dlq_entries (rejected_at) WHERE status = 'open'`);
    await q.query(`CREATE INDEX dlq_entries_batch ON dlq_entries (batch_id, record_index)`);
    await q.query(`CREATE INDEX dlq_entries_code ON dlq_entries (code, rejected_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dlq_entries, canonical_corrections, canonical_records, canonical_events`);
    await q.query(`DELETE FROM stream_counters WHERE stream = 'canonical'`);
  }
}
