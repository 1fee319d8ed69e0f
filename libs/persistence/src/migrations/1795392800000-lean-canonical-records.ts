import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest state per record points at its event instead of copying its data, and no longer needs the sequence:
 * it is written before the canonical counter is locked, so the lock is held only for the event inserts.
 */
export class LeanCanonicalRecords1795392800000 implements MigrationInterface {
  name = 'LeanCanonicalRecords1795392800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE canonical_records DROP COLUMN data, DROP COLUMN updated_seq`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE canonical_records ADD COLUMN data jsonb, ADD COLUMN updated_seq bigint`);
    await q.query(`UPDATE canonical_records r SET data = e.data, updated_seq = e.seq FROM canonical_events e
                   WHERE e.event_id = r.event_id`);
    await q.query(
      `ALTER TABLE canonical_records ALTER COLUMN data SET NOT NULL, ALTER COLUMN updated_seq SET NOT NULL`,
    );
  }
}
