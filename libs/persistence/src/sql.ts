import type { EntityManager } from 'typeorm';

/**
 * What a repository needs of a connection: TypeORM's DataSource, EntityManager (a transaction) and QueryRunner (a
 * dedicated connection, e.g. the one holding an endpoint's advisory lock) all have it.
 */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** A connection that can also open a transaction: a DataSource, or the EntityManager of a dedicated QueryRunner. */
export interface TransactionalQueryable extends Queryable {
  transaction<T>(run: (tx: EntityManager) => Promise<T>): Promise<T>;
}

/**
 * Rows of an UPDATE/DELETE … RETURNING. TypeORM's `query()` answers those with `[rows, rowCount]` (and with plain
 * rows for everything else); this gives rows either way.
 */
export async function returningRows<T>(db: Queryable, sql: string, parameters?: unknown[]): Promise<T[]> {
  const result = await db.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/**
 * Many rows as one `jsonb` parameter, for `INSERT … SELECT … FROM jsonb_to_recordset($1::jsonb) AS t(col type, …)`.
 * Measured here about 3–4× faster than one array parameter per column (node-postgres escapes every element of an
 * array literal, which is costly for JSON documents). Keys must be the column names; Buffers do not fit (use hex).
 */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

/** Text for a metadata column (reject message, source id): PostgreSQL text cannot hold U+0000. */
export function storableText(s: string | null): string | null {
  return s === null ? null : s.replaceAll('\u0000', '\uFFFD');
}
