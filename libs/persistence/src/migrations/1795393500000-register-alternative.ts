import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The must-insure register names an enterprise's alternative to insurance: `risk_deposit` for one that chose the
 * safety risk deposit (济宁 五(二), 六(二)); null for every other (and every existing) entry, which must be insured.
 */
export class RegisterAlternative1795393500000 implements MigrationInterface {
  name = 'RegisterAlternative1795393500000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['register_entries', 'register_current'])
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN alternative text CONSTRAINT ${table}_alternative_check
           CHECK (alternative IN ('risk_deposit'))`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['register_entries', 'register_current'])
      await q.query(`ALTER TABLE ${table} DROP COLUMN alternative`);
  }
}
