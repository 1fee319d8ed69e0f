declare const brand: unique symbol;

/**
 * The department a query runs for. Every department repository method takes one, so no query can be written
 * without a department (Novu's tenant-id rule); it can only be made from a department principal (or explicitly by
 * trusted code such as the router and tests through `trustedDepartmentScope`).
 */
export interface DepartmentScope {
  readonly departmentId: string;
  readonly [brand]: 'DepartmentScope';
}

export function departmentScopeOf(principal: { id: string; type: string }): DepartmentScope {
  if (principal.type !== 'department') throw new Error(`${principal.type} ${principal.id} is not a department`);
  return { departmentId: principal.id } as DepartmentScope;
}

/** For code that legitimately acts for a department it chose itself (router, projections, tests). */
export function trustedDepartmentScope(departmentId: string): DepartmentScope {
  return { departmentId } as DepartmentScope;
}
