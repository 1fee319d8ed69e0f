import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes of `canonical_events` no query reads any more (issue 18): `(region text_pattern_ops, seq)` served the
 * province stream before `canonical_events_province_seq`, and `(accepted_date, insurer, kind)` the day cells before
 * `canonical_events_date_seq`. Every event the normaliser stores paid for both.
 */
export class LeanCanonicalIndexes1795394100000 implements MigrationInterface {
  name = 'LeanCanonicalIndexes1795394100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS canonical_events_region_seq`);
    await q.query(`DROP INDEX IF EXISTS canonical_events_accepted_date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX canonical_events_region_seq ON canonical_events (region text_pattern_ops, seq)`);
    await q.query(`CREATE INDEX canonical_events_accepted_date ON canonical_events (accepted_date, insurer, kind)`);
  }
}
