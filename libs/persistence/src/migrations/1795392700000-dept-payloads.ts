import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A department's copy of a record is stored once per distinct masked content (content-addressed payloads), not once
 * per department view row and again per feed entry: fan-out rows become small, and a record reaching six departments
 * writes two or three payloads instead of twelve JSON documents. Payloads are readable by the API role only through a
 * feed entry of the department in the transaction (row-level security), so no department can read another's.
 */
export class DeptPayloads1795392700000 implements MigrationInterface {
  name = 'DeptPayloads1795392700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dept_payloads (
        payload_id  uuid PRIMARY KEY,
        data        jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE dept_views ADD COLUMN payload_id uuid`);
    await q.query(`ALTER TABLE dept_feed ADD COLUMN payload_id uuid`);
    await q.query(`INSERT INTO dept_payloads (payload_id, data)
                   SELECT DISTINCT md5(data::text)::uuid, data FROM dept_views
                   UNION SELECT DISTINCT md5(data::text)::uuid, data FROM dept_feed WHERE data IS NOT NULL
                   ON CONFLICT DO NOTHING`);
    await q.query(`UPDATE dept_views SET payload_id = md5(data::text)::uuid`);
    await q.query(`UPDATE dept_feed SET payload_id = md5(data::text)::uuid WHERE data IS NOT NULL`);
    await q.query(`ALTER TABLE dept_views ALTER COLUMN payload_id SET NOT NULL, DROP COLUMN data`);
    await q.query(`ALTER TABLE dept_feed DROP COLUMN data`);
    await q.query(
      `CREATE INDEX dept_feed_payload ON dept_feed (department_id, payload_id) WHERE payload_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE dept_payloads ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE dept_payloads FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY dept_payloads_department ON dept_payloads
        USING (EXISTS (SELECT 1 FROM dept_feed f
                       WHERE f.department_id = current_setting('ajx.department_id', true)
                         AND f.payload_id = dept_payloads.payload_id))`);
    await q.query(`GRANT SELECT ON dept_payloads TO ajx_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dept_views ADD COLUMN data jsonb`);
    await q.query(`ALTER TABLE dept_feed ADD COLUMN data jsonb`);
    await q.query(`UPDATE dept_views v SET data = p.data FROM dept_payloads p WHERE p.payload_id = v.payload_id`);
    await q.query(`UPDATE dept_feed f SET data = p.data FROM dept_payloads p WHERE p.payload_id = f.payload_id`);
    await q.query(`ALTER TABLE dept_views ALTER COLUMN data SET NOT NULL, DROP COLUMN payload_id`);
    await q.query(`DROP INDEX dept_feed_payload`);
    await q.query(`ALTER TABLE dept_feed DROP COLUMN payload_id`);
    await q.query(`DROP TABLE dept_payloads`);
  }
}
