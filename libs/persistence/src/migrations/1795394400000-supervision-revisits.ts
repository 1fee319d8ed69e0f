import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily run evaluates only the enterprises whose day has come (ADR 0013):
 *
 * - `supervision_revisits`: per enterprise, the first day after its last evaluation on which the rules may find
 *   otherwise without new records (a policy's start or end, a deadline, the end of the lookback window, or the next
 *   day while a finding counts days). No row: no day ever will. Written with each evaluation, in its transaction.
 * - `supervision_revisit_marks`: enterprises that received versions no evaluation of this release accounted for —
 *   a supervisor of the previous release during a rolling upgrade stores versions and evaluates them without writing
 *   revisits. A statement trigger on `supervision_versions` appends them (every enterprise the records of the
 *   inserted versions name, the one a moved record left included) (an append-only log: no row lock for
 *   concurrent batches to wait on); the supervisor's own batches say so in their transaction
 *   (`ajx.supervision_revisits`), evaluate what they stored and write the revisits themselves. The next run
 *   evaluates the marked enterprises and deletes the marks it read.
 * - `supervision_runs.scope`: `all` (every enterprise) or `due` (the daily run: the revisits due and the marks).
 */
export class SupervisionRevisits1795394400000 implements MigrationInterface {
  name = 'SupervisionRevisits1795394400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supervision_revisits (
        uscc       text PRIMARY KEY,
        revisit_on date NOT NULL
      )`);
    await q.query(`CREATE INDEX supervision_revisits_on ON supervision_revisits (revisit_on)`);
    await q.query(`
      CREATE TABLE supervision_revisit_marks (
        mark_id bigserial PRIMARY KEY,
        uscc    text NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION supervision_versions_mark_revisits() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('ajx.supervision_revisits', true), '') = 'written' THEN
          RETURN NULL;
        END IF;
        -- every enterprise the inserted versions' records name, now or before: a version that moves a record
        -- changes the evaluation of the enterprise it leaves too (probes by primary key, fenced by OFFSET 0)
        INSERT INTO supervision_revisit_marks (uscc)
        SELECT DISTINCT v.uscc
          FROM (SELECT DISTINCT insurer, kind, subject FROM inserted) r
         CROSS JOIN LATERAL (
           SELECT uscc FROM supervision_versions v
            WHERE v.insurer = r.insurer AND v.kind = r.kind AND v.subject = r.subject OFFSET 0) v;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER supervision_versions_mark_revisits
        AFTER INSERT ON supervision_versions
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION supervision_versions_mark_revisits()`);
    await q.query(`
      ALTER TABLE supervision_runs
        ADD COLUMN scope text NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'due'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE supervision_runs DROP COLUMN scope`);
    await q.query(`DROP TRIGGER supervision_versions_mark_revisits ON supervision_versions`);
    await q.query(`DROP FUNCTION supervision_versions_mark_revisits()`);
    await q.query(`DROP TABLE supervision_revisit_marks`);
    await q.query(`DROP TABLE supervision_revisits`);
  }
}
