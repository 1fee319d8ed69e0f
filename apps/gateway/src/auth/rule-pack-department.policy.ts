import { type RulePack, validateDepartment } from '@ajx/authz';
import type { DepartmentPolicy } from '@ajx/identity';

/** Departments must be of a kind of the deployment's rule pack, with a jurisdiction matching their level. */
export function rulePackDepartmentPolicy(pack: RulePack, regionExists?: (code: string) => boolean): DepartmentPolicy {
  return {
    problems: (d) =>
      validateDepartment(
        { id: 'candidate', name: 'candidate', kind: d.kind, level: d.level, regionCode: d.regionCode },
        pack,
        regionExists,
      ),
  };
}
