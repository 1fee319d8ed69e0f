import type { DataSource, EntityManager } from 'typeorm';
import type { DepartmentScope } from './department-scope';

/**
 * Base of every repository reading department data. Queries run in a transaction that first sets
 * `ajx.department_id` (transaction-local), which the row-level security policies compare with each row; on the
 * API's role (neither superuser nor owner) the database itself hides every other department's rows.
 */
export abstract class DepartmentScopedRepository {
  protected constructor(protected readonly db: DataSource) {}

  protected inScope<T>(
    scope: DepartmentScope,
    work: (tx: EntityManager, departmentId: string) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('ajx.department_id', $1, true)`, [scope.departmentId]);
      return work(tx, scope.departmentId);
    });
  }
}
