import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The web console's people (issue 17): a user signs in with a name and a password and acts as the principal it
 * belongs to (a department, an insurer, an operator) — every authorization rule and row-level security policy of
 * that principal applies unchanged. The password is kept as a scrypt hash (`scrypt$N$r$p$salt$hash`); repeated
 * failures lock the account for a while (`failed_attempts`, `locked_until`); a reset or a disable ends every session
 * started before it (`password_changed_at`, `disabled_at` are checked on every request).
 */
export class ConsoleUsers1795393800000 implements MigrationInterface {
  name = 'ConsoleUsers1795393800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_users (
        id                  uuid PRIMARY KEY,
        username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
        principal_id        text NOT NULL REFERENCES principals (id),
        display_name        text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
        password_hash       text NOT NULL,
        failed_attempts     integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until        timestamptz,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at          timestamptz NOT NULL DEFAULT now(),
        created_by          text NOT NULL,
        disabled_at         timestamptz,
        last_sign_in_at     timestamptz
      )`);
    await q.query(`CREATE INDEX console_users_principal ON console_users (principal_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE console_users`);
  }
}
