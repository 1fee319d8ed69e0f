import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expired upload sessions give their bytes back (issue 21): the gateway's cleanup job removes an expired open
 * session's part file and records when (`purged_at`); the row stays, so the session still answers 410 UPLOAD_EXPIRED.
 */
export class UploadSessionPurge1795393900000 implements MigrationInterface {
  name = 'UploadSessionPurge1795393900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE upload_sessions ADD COLUMN purged_at timestamptz`);
    await q.query(
      `CREATE INDEX upload_sessions_expired ON upload_sessions (expires_at) WHERE status = 'open' AND purged_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX upload_sessions_expired`);
    await q.query(`ALTER TABLE upload_sessions DROP COLUMN purged_at`);
  }
}
