import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Principals and their credentials, the hash-chained audit log, and ingest batches with per-record outcomes. */
export class PrincipalsAuditIngest1795392100000 implements MigrationInterface {
  name = 'PrincipalsAuditIngest1795392100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE principals (
        id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$'),
        type             text NOT NULL CHECK (type IN ('insurer', 'department', 'province', 'operator')),
        name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        department_kind  text,
        department_level text CHECK (department_level IN ('province', 'city', 'county')),
        region_code      text CHECK (region_code ~ '^[0-9]{6}$'),
        created_at       timestamptz NOT NULL DEFAULT now(),
        disabled_at      timestamptz,
        CHECK ((type = 'department') = (department_kind IS NOT NULL AND department_level IS NOT NULL)),
        CHECK (type NOT IN ('department', 'province') OR region_code IS NOT NULL),
        CHECK (type <> 'insurer' OR id ~ '^[A-Z][A-Z0-9_]{1,31}$')
      )`);
    await q.query(`
      CREATE TABLE credentials (
        id            uuid PRIMARY KEY,
        principal_id  text NOT NULL REFERENCES principals (id),
        token_hash    bytea NOT NULL UNIQUE,
        token_hint    text NOT NULL,
        label         text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        created_by    text NOT NULL,
        expires_at    timestamptz NOT NULL,
        revoked_at    timestamptz,
        revoked_by    text,
        last_used_at  timestamptz
      )`);
    await q.query(`CREATE INDEX credentials_principal ON credentials (principal_id)`);

    // Entries are appended by any writer; a sealer later assigns (block_no, position) and chains block hashes.
    await q.query(`
      CREATE TABLE audit_entries (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor       text NOT NULL,
        action      text NOT NULL,
        target      text,
        outcome     text NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
        details     jsonb NOT NULL DEFAULT '{}',
        request_id  text,
        txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        block_no    bigint,
        position    integer,
        UNIQUE (block_no, position)
      )`);
    await q.query(`CREATE INDEX audit_entries_unsealed ON audit_entries (id) WHERE block_no IS NULL`);
    await q.query(`CREATE INDEX audit_entries_at ON audit_entries (at)`);
    await q.query(`
      CREATE TABLE audit_blocks (
        block_no      bigint PRIMARY KEY,
        entries       integer NOT NULL CHECK (entries > 0),
        entry_ids     bigint[] NOT NULL,
        entry_hashes  bytea[] NOT NULL,
        entries_hash  bytea NOT NULL,
        prev_hash     bytea NOT NULL,
        hash          bytea NOT NULL,
        key_id        text NOT NULL,
        signature     bytea NOT NULL,
        sealed_at     timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE ingest_batches (
        batch_id        uuid PRIMARY KEY,
        insurer         text NOT NULL REFERENCES principals (id),
        content_sha256  bytea NOT NULL,
        bytes           bigint NOT NULL,
        content_type    text NOT NULL,
        filename        text,
        upload_path     text NOT NULL,
        status          text NOT NULL CHECK (status IN ('accepted', 'published', 'rejected')),
        records         integer NOT NULL,
        published       integer NOT NULL DEFAULT 0,
        reject_code     text,
        reject_message  text,
        accepted_at     timestamptz NOT NULL DEFAULT now(),
        published_at    timestamptz,
        credential_id   uuid,
        request_id      text,
        publish_lease_until timestamptz,
        UNIQUE (insurer, content_sha256)
      )`);
    await q.query(`CREATE INDEX ingest_batches_unpublished ON ingest_batches (accepted_at) WHERE status = 'accepted'`);
    await q.query(`
      CREATE TABLE batch_outcomes (
        batch_id      uuid NOT NULL,
        record_index  integer NOT NULL,
        outcome       text NOT NULL CHECK (outcome IN ('normalized', 'duplicate', 'rejected')),
        code          text,
        message       text,
        source_id     text,
        event_id      uuid,
        at            timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (batch_id, record_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE batch_outcomes, ingest_batches, audit_blocks, audit_entries, credentials, principals`);
  }
}
