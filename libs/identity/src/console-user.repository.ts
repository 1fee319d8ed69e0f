import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConsoleUser } from './console-user';

interface Row {
  id: string;
  username: string;
  principal_id: string;
  display_name: string;
  failed_attempts: number;
  locked_until: Date | null;
  password_changed_at: Date;
  created_at: Date;
  created_by: string;
  disabled_at: Date | null;
  last_sign_in_at: Date | null;
}

const COLUMNS =
  'id, username, principal_id, display_name, failed_attempts, locked_until, password_changed_at, created_at, ' +
  'created_by, disabled_at, last_sign_in_at';

function toUser(r: Row): ConsoleUser {
  return {
    id: r.id,
    username: r.username,
    principalId: r.principal_id,
    displayName: r.display_name,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until,
    passwordChangedAt: r.password_changed_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    disabledAt: r.disabled_at,
    lastSignInAt: r.last_sign_in_at,
  };
}

/** All SQL of console_users (the console's people). */
@Injectable()
export class ConsoleUserRepository {
  constructor(private readonly db: DataSource) {}

  async insert(u: {
    id: string;
    username: string;
    principalId: string;
    displayName: string;
    passwordHash: string;
    createdBy: string;
  }): Promise<ConsoleUser | null> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO console_users (id, username, principal_id, display_name, password_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      [u.id, u.username, u.principalId, u.displayName, u.passwordHash, u.createdBy],
    );
    return rows.length ? toUser(rows[0]) : null;
  }

  async findByUsername(username: string): Promise<(ConsoleUser & { passwordHash: string }) | null> {
    const rows = await this.db.query<(Row & { password_hash: string })[]>(
      `SELECT ${COLUMNS}, password_hash FROM console_users WHERE username = $1`,
      [username],
    );
    return rows.length ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async findById(id: string): Promise<ConsoleUser | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM console_users WHERE id = $1`, [id]);
    return rows.length ? toUser(rows[0]) : null;
  }

  async list(principalId?: string): Promise<ConsoleUser[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM console_users WHERE ($1::text IS NULL OR principal_id = $1) ORDER BY principal_id, username`,
      [principalId ?? null],
    );
    return rows.map(toUser);
  }

  /** One more failure; at `attempts` the account locks for `minutes` and the count starts again. */
  async recordFailure(id: string, attempts: number, minutes: number): Promise<ConsoleUser> {
    const rows = await returningRows<Row>(
      this.db,
      `UPDATE console_users SET
         locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + $3 * interval '1 minute' ELSE locked_until END,
         failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, attempts, minutes],
    );
    return toUser(rows[0]);
  }

  async recordSuccess(id: string): Promise<void> {
    await this.db.query(
      `UPDATE console_users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = now() WHERE id = $1`,
      [id],
    );
  }

  async setDisabled(username: string, disabled: boolean): Promise<ConsoleUser | null> {
    const rows = await returningRows<Row>(
      this.db,
      `UPDATE console_users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END
       WHERE username = $1 RETURNING ${COLUMNS}`,
      [username, disabled],
    );
    return rows.length ? toUser(rows[0]) : null;
  }

  /** A new password: ends the lock and every session started before now. */
  async setPassword(username: string, passwordHash: string): Promise<ConsoleUser | null> {
    const rows = await returningRows<Row>(
      this.db,
      `UPDATE console_users SET password_hash = $2, password_changed_at = clock_timestamp(), failed_attempts = 0,
         locked_until = NULL WHERE username = $1 RETURNING ${COLUMNS}`,
      [username, passwordHash],
    );
    return rows.length ? toUser(rows[0]) : null;
  }
}
