import type { Department, DepartmentLevel } from './department.types';

const PREFIX_LENGTH: Readonly<Record<DepartmentLevel, number>> = { province: 2, city: 4, county: 6 };

/**
 * The region-code prefix a department's jurisdiction covers: a province every code starting with its first 2
 * digits, a city its first 4, a county (development zones with their own code included) exactly its code.
 */
export function jurisdictionPrefix(level: DepartmentLevel, regionCode: string): string {
  return regionCode.slice(0, PREFIX_LENGTH[level]);
}

export function inJurisdiction(department: Pick<Department, 'level' | 'regionCode'>, regionCode: string): boolean {
  return regionCode.startsWith(jurisdictionPrefix(department.level, department.regionCode));
}

/** The level a GB/T 2260 code denotes by its shape: `xx0000` province, `xxxx00` city, anything else county. */
export function levelOfRegionCode(regionCode: string): DepartmentLevel {
  if (regionCode.endsWith('0000')) return 'province';
  if (regionCode.endsWith('00')) return 'city';
  return 'county';
}
