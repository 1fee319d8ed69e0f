interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
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
