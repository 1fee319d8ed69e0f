import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook secrets at rest (issue 21, ADR 0009): each endpoint's signing secret is kept sealed with AES-256-GCM
 * (`secret_sealed`: iv ‖ tag ‖ ciphertext) under a key outside the database, named by `secret_key_id`. The plain
 * `secret` column stays only for rows written before this migration: the gateway seals them when it starts (and
 * `ajx keys rotate` does too), leaving the column NULL; a row holds either a plain or a sealed secret, never both.
 * The API role's column grants are unchanged: it reads neither.
 */
export class WebhookSecretsAtRest1795393810000 implements MigrationInterface {
  name = 'WebhookSecretsAtRest1795393810000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dept_webhooks ADD COLUMN secret_key_id text, ADD COLUMN secret_sealed bytea`);
    await q.query(`ALTER TABLE dept_webhooks ALTER COLUMN secret DROP NOT NULL`);
    await q.query(`
      ALTER TABLE dept_webhooks ADD CONSTRAINT dept_webhooks_secret_check CHECK (
        (secret IS NULL) <> (secret_sealed IS NULL) AND (secret_sealed IS NULL) = (secret_key_id IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Sealed secrets cannot be opened here (the key is not in the database): those endpoints are removed and must
    // be configured again after a downgrade.
    await q.query(`ALTER TABLE dept_webhooks DROP CONSTRAINT dept_webhooks_secret_check`);
    await q.query(`DELETE FROM dept_webhooks WHERE secret IS NULL`);
    await q.query(`ALTER TABLE dept_webhooks DROP COLUMN secret_key_id, DROP COLUMN secret_sealed`);
    await q.query(`ALTER TABLE dept_webhooks ALTER COLUMN secret SET NOT NULL`);
  }
}
