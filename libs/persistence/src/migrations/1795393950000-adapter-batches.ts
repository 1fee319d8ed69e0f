import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches of insurer adapters get a batch report (issue 21): the normaliser registers an adapter's file in
 * `ingest_batches` from the batch announcement on its records. `source` tells them from uploads; an adapter batch has
 * no stored upload (`upload_path` is empty), so retention and backups skip it.
 */
export class AdapterBatches1795393950000 implements MigrationInterface {
  name = 'AdapterBatches1795393950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE ingest_batches ADD COLUMN source text NOT NULL DEFAULT 'gateway'
         CHECK (source IN ('gateway', 'adapter'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ingest_batches DROP COLUMN source`);
  }
}
