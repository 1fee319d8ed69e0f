import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * View rows no longer carry the feed sequence of their last change: views are written before the department counters
 * are locked, so the locks are held only for the feed insert (the feed itself has the sequence).
 */
export class ViewsWithoutFeedSeq1795392600000 implements MigrationInterface {
  name = 'ViewsWithoutFeedSeq1795392600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dept_views DROP COLUMN feed_seq`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dept_views ADD COLUMN feed_seq bigint NOT NULL DEFAULT 0`);
  }
}
