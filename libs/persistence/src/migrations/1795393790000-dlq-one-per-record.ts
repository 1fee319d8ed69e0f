import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One DLQ entry per record of an upload, enforced by the database (issue 19): the normaliser's "no entry for this
 * record yet" check could not see an entry written in the same statement (the original and a re-sent copy of a raw
 * chunk in one slice) or by another instance's transaction not yet committed (a rebalance); the cluster chaos run
 * found 13 rejects twice. Existing duplicates are removed first (the oldest entry of each record stays; a duplicate
 * that a redrive resolved leaves its resolution on the kept entry).
 */
export class DlqOnePerRecord1795393790000 implements MigrationInterface {
  name = 'DlqOnePerRecord1795393790000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE dlq_entries k SET status = 'resolved', resolved_at = d.resolved_at, resolved_event_id = d.resolved_event_id
      FROM dlq_entries d
      WHERE d.batch_id = k.batch_id AND d.record_index = k.record_index AND d.id > k.id
        AND d.status = 'resolved' AND k.status = 'open'
        AND k.id = (SELECT min(id) FROM dlq_entries m WHERE m.batch_id = k.batch_id AND m.record_index = k.record_index)`);
    await q.query(`
      DELETE FROM dlq_entries d USING dlq_entries k
      WHERE d.batch_id = k.batch_id AND d.record_index = k.record_index AND d.id > k.id`);
    await q.query(`DROP INDEX dlq_entries_batch`);
    await q.query(`
      CREATE UNIQUE INDEX dlq_entries_record ON dlq_entries (batch_id, record_index)
        WHERE batch_id IS NOT NULL AND record_index IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dlq_entries_record`);
    await q.query(`CREATE INDEX dlq_entries_batch ON dlq_entries (batch_id, record_index)`);
  }
}
