/**
 * What the repositories need of a connection: TypeORM's DataSource, EntityManager (a transaction) and QueryRunner (a
 * dedicated connection, e.g. the one holding an endpoint's advisory lock) all have it.
 */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}
