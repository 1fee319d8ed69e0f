import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two tables that let the supervisor evaluate a chunk of enterprises by index probes and skip what did not change
 * (a full evaluation of a province reads every enterprise, chunk by chunk, every day):
 *
 * - `supervision_moved_records`: the records whose versions name more than one enterprise (a correction that moves a
 *   policy, a service, a hazard … to another USCC), each with every enterprise it names. Evaluating an enterprise
 *   needs every version of every record that has (or had) a version there: its own versions, plus the other versions
 *   of its moved records — instead of a join PostgreSQL planned as a scan of all of `supervision_versions` for each
 *   chunk (quadratic in the deployment). Existing versions are read once here.
 * - `supervision_figure_digests`: a hash of each enterprise's figure rows; an enterprise whose rows hash the same as
 *   before is not written. Empty at first: the next evaluation of each enterprise writes its rows as a difference
 *   and its digest.
 */
export class SupervisionLookups1795394200000 implements MigrationInterface {
  name = 'SupervisionLookups1795394200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supervision_moved_records (
        insurer text NOT NULL,
        kind    text NOT NULL,
        subject text NOT NULL,
        uscc    text NOT NULL,
        PRIMARY KEY (insurer, kind, subject, uscc)
      )`);
    await q.query(`CREATE INDEX supervision_moved_records_uscc ON supervision_moved_records (uscc)`);
    await q.query(`
      INSERT INTO supervision_moved_records (insurer, kind, subject, uscc)
      SELECT DISTINCT v.insurer, v.kind, v.subject, v.uscc
        FROM supervision_versions v
        JOIN (SELECT insurer, kind, subject FROM supervision_versions
               GROUP BY 1, 2, 3 HAVING count(DISTINCT uscc) > 1) m
          ON m.insurer = v.insurer AND m.kind = v.kind AND m.subject = v.subject`);
    await q.query(`
      CREATE TABLE supervision_figure_digests (
        uscc   text PRIMARY KEY,
        digest text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_figure_digests`);
    await q.query(`DROP TABLE supervision_moved_records`);
  }
}
