import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal data (PIPL): the ledger of erasure requests carried out (a tombstone per request: what was erased where,
 * never the erased values), and the marks the retention job leaves where it removed stored bytes.
 */
export class PersonalData1795393100000 implements MigrationInterface {
  name = 'PersonalData1795393100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_erasures (
        id            bigserial PRIMARY KEY,
        uscc          text NOT NULL,
        reason        text NOT NULL,
        requested_by  text NOT NULL,
        erased_at     timestamptz NOT NULL DEFAULT now(),
        counts        jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX privacy_erasures_uscc ON privacy_erasures (uscc)`);
    await q.query(`ALTER TABLE ingest_batches ADD COLUMN upload_purged_at timestamptz`);
    // The raw bytes of a DLQ entry may now be removed (retention, erasure); the entry itself stays.
    await q.query(`ALTER TABLE dlq_entries ADD COLUMN raw_purged_at timestamptz, ALTER COLUMN raw_value DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE dlq_entries SET raw_value = '' WHERE raw_value IS NULL`);
    await q.query(`ALTER TABLE dlq_entries DROP COLUMN raw_purged_at, ALTER COLUMN raw_value SET NOT NULL`);
    await q.query(`ALTER TABLE ingest_batches DROP COLUMN upload_purged_at`);
    await q.query(`DROP TABLE privacy_erasures`);
  }
}
