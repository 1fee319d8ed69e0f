import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data standard v2: the canonical store and department views hold accidents and claims too. The kind checks are
 * widened (the v1 kinds keep their meaning; BACKWARD_TRANSITIVE, docs/data-standard.md).
 */
export class RecordKindsV21795393000000 implements MigrationInterface {
  name = 'RecordKindsV21795393000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['canonical_events', 'dept_views']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_kind_check`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_kind_check
           CHECK (kind IN ('policy', 'service', 'hazard', 'accident', 'claim'))`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['canonical_events', 'dept_views']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_kind_check`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_kind_check CHECK (kind IN ('policy', 'service', 'hazard'))`,
      );
    }
  }
}
