import type { NewPrincipal } from './principal';

/**
 * Decides whether a department's kind and jurisdiction are acceptable; the gateway supplies one backed by the
 * deployment's rule pack and region data. The default only checks the shapes.
 */
export interface DepartmentPolicy {
  problems(department: NonNullable<NewPrincipal['department']>): string[];
}

export const DEPARTMENT_POLICY = Symbol('DEPARTMENT_POLICY');

export const shapeOnlyDepartmentPolicy: DepartmentPolicy = {
  problems(d) {
    const out: string[] = [];
    if (!/^[a-z][a-z0-9_]{1,63}$/.test(d.kind))
      out.push(`department kind ${JSON.stringify(d.kind)} is not a kind name`);
    if (!/^\d{6}$/.test(d.regionCode)) out.push('regionCode must be 6 digits');
    else if (d.level === 'province' && !d.regionCode.endsWith('0000'))
      out.push('a province-level regionCode ends in 0000');
    else if (d.level === 'city' && (!d.regionCode.endsWith('00') || d.regionCode.endsWith('0000'))) {
      out.push('a city-level regionCode ends in 00 (but not 0000)');
    } else if (d.level === 'county' && d.regionCode.endsWith('00'))
      out.push('a county-level regionCode does not end in 00');
    return out;
  },
};
