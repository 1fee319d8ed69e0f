import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commit-ordered sequences: a writer takes the row lock of its stream inside the writing transaction, so
 * sequence numbers become visible in commit order and a reader's cursor never skips a late commit.
 */
export class Foundation1795392000000 implements MigrationInterface {
  name = 'Foundation1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_counters (
        stream     text   PRIMARY KEY,
        last_seq   bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stream_counters`);
  }
}
