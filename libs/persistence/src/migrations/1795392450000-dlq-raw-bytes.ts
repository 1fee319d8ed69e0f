import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DLQ entries keep the rejected message's value as bytes: a rejected record may hold what PostgreSQL text and
 * jsonb cannot (a NUL character, invalid UTF-8), and a redrive needs it exactly as it was.
 */
export class DlqRawBytes1795392450000 implements MigrationInterface {
  name = 'DlqRawBytes1795392450000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dlq_entries ADD COLUMN raw_value bytea`);
    await q.query(`UPDATE dlq_entries SET raw_value = convert_to(coalesce(raw::text, raw_text, ''), 'UTF8')`);
    await q.query(`ALTER TABLE dlq_entries ALTER COLUMN raw_value SET NOT NULL`);
    await q.query(`ALTER TABLE dlq_entries DROP COLUMN raw, DROP COLUMN raw_text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dlq_entries ADD COLUMN raw jsonb, ADD COLUMN raw_text text`);
    await q.query(`UPDATE dlq_entries SET raw_text = convert_from(raw_value, 'UTF8')`);
    await q.query(`ALTER TABLE dlq_entries DROP COLUMN raw_value`);
  }
}
