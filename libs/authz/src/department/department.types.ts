export const DEPARTMENT_LEVELS = ['province', 'city', 'county'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

/**
 * A government department registered with the hub. Its kind comes from the deployment's rule pack; its
 * jurisdiction is the region subtree of `regionCode` at its level (see `jurisdictionPrefix`).
 */
export interface Department {
  id: string;
  name: string;
  kind: string;
  level: DepartmentLevel;
  /** GB/T 2260: `xx0000` for a province, `xxxx00` for a city, a county-level code otherwise. */
  regionCode: string;
}
