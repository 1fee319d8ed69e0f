import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumable uploads: a session per large file, its bytes appended in chunks to a file under AJX_UPLOAD_DIR and
 * handed to the ordinary ingest path once complete and verified (size + SHA-256).
 */
export class UploadSessions1795392900000 implements MigrationInterface {
  name = 'UploadSessions1795392900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE upload_sessions (
        upload_id     uuid PRIMARY KEY,
        insurer       text NOT NULL,
        created_by    text NOT NULL,
        size          bigint NOT NULL CHECK (size > 0),
        sha256        bytea NOT NULL,
        content_type  text NOT NULL,
        filename      text,
        received      bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
        status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completing', 'completed')),
        batch_id      uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX upload_sessions_expiry ON upload_sessions (expires_at) WHERE status <> 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE upload_sessions`);
  }
}
