import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Insurers read their own figures (issue 25: the insurer's console page shows its claims beside its findings): the
 * figure rows whose key names an insurer — `ledger`, `serviceCoverage`, `claims` (insurer first) and `premium`
 * (county, then insurer) — are visible to the API role when the transaction's `ajx.insurer` is that insurer. A second
 * permissive policy: a department's reads (jurisdiction set, `ajx.insurer` empty) are unchanged, and an insurer never
 * sees coverage, headcount, hazard or accident rows, which are about enterprises, not about it. Keys are stored with
 * `|` between their columns (SupervisionFiguresRepository).
 */
export class InsurerFigures1795394300000 implements MigrationInterface {
  name = 'InsurerFigures1795394300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE POLICY supervision_figures_insurer ON supervision_figures
        USING (
          coalesce(current_setting('ajx.insurer', true), '') <> ''
          AND member IN ('ledger', 'serviceCoverage', 'claims', 'premium')
          AND split_part(key, '|', CASE member WHEN 'premium' THEN 2 ELSE 1 END) = current_setting('ajx.insurer', true)
        )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY supervision_figures_insurer ON supervision_figures`);
  }
}
