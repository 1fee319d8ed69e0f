import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data standard v2 downstream (issue 24):
 *
 * - The urgent lane carries urgent accidents (a death, or grade `larger` and above) as well as major hazards: the
 *   escalation timers and acknowledgements are keyed by record kind too. The tables keep their names (every row
 *   before this migration is a hazard, hence the default used to fill the column, dropped afterwards: writers say
 *   the kind).
 * - An acknowledgement may carry a note (处置意见, the department's disposal opinion), at most 2000 characters.
 * - Department views get the business date a department filters a period by (`record_time`: an accident's
 *   `occurredAt`, a claim's `filedAt`; null for kinds without one), a canonical Beijing datetime as text.
 */
export class UrgentAccidents1795393700000 implements MigrationInterface {
  name = 'UrgentAccidents1795393700000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['hazard_escalations', 'hazard_acknowledgements']) {
      await q.query(`
        ALTER TABLE ${table} ADD COLUMN kind text NOT NULL DEFAULT 'hazard'
          CONSTRAINT ${table}_kind_check CHECK (kind IN ('hazard', 'accident'))`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN kind DROP DEFAULT`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
    }
    await q.query(`ALTER TABLE hazard_escalations ADD PRIMARY KEY (kind, insurer, subject)`);
    await q.query(`ALTER TABLE hazard_acknowledgements ADD PRIMARY KEY (department_id, kind, insurer, subject)`);
    await q.query(`
      ALTER TABLE hazard_acknowledgements ADD COLUMN note text
        CONSTRAINT hazard_acknowledgements_note_check CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 2000)`);

    await q.query(`ALTER TABLE dept_views ADD COLUMN record_time text`);
    await q.query(`
      UPDATE dept_views v SET record_time = p.data->>(CASE v.kind WHEN 'accident' THEN 'occurredAt' ELSE 'filedAt' END)
      FROM dept_payloads p WHERE p.payload_id = v.payload_id AND v.kind IN ('accident', 'claim')`);
    await q.query(
      `CREATE INDEX dept_views_record_time ON dept_views (department_id, kind, record_time) WHERE record_time IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dept_views_record_time`);
    await q.query(`ALTER TABLE dept_views DROP COLUMN record_time`);
    await q.query(`ALTER TABLE hazard_acknowledgements DROP COLUMN note`);
    for (const table of ['hazard_escalations', 'hazard_acknowledgements']) {
      await q.query(`DELETE FROM ${table} WHERE kind <> 'hazard'`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN kind`);
    }
    await q.query(`ALTER TABLE hazard_escalations ADD PRIMARY KEY (insurer, subject)`);
    await q.query(`ALTER TABLE hazard_acknowledgements ADD PRIMARY KEY (department_id, insurer, subject)`);
  }
}
