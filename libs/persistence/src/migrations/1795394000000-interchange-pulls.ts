import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last pull of each province through the gateway (operators' interchange status): one row per province, updated
 * by every pull. The audit log has every pull too, but finding the last one of a province there is a scan.
 */
export class InterchangePulls1795394000000 implements MigrationInterface {
  name = 'InterchangePulls1795394000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interchange_pulls (
        province    text PRIMARY KEY CHECK (province ~ '^[1-9][0-9]$'),
        principal   text NOT NULL,
        via         text NOT NULL,
        after_seq   bigint NOT NULL,
        last_seq    bigint NOT NULL,
        entries     integer NOT NULL,
        pulls       bigint NOT NULL DEFAULT 1,
        pulled_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE interchange_pulls`);
  }
}
