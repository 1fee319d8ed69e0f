import type { Department } from '../department/department.types';
import { inJurisdiction } from '../department/jurisdiction';
import type { RulePack } from '../rule-pack/rule-pack.types';
import {
  compareIds,
  type Entitlement,
  type RecordScope,
  type UrgentPlan,
  type UrgentScope,
} from '../entitlement/entitlement.types';

/**
 * The rules of docs/authorization.md spelled out as a scan of every department: the oracle `EntitlementIndex` is
 * tested against, and the expected answers of the matrix fixture. Far too slow for the router.
 */
export function referenceEntitled(
  pack: RulePack,
  departments: readonly Department[],
  scope: RecordScope,
): Entitlement[] {
  const result: Entitlement[] = [];
  for (const d of departments) {
    const rule = pack.kinds.find((k) => k.kind === d.kind);
    if (!rule) continue;
    if (!rule.records.includes(scope.kind) || !rule.sectors.includes(scope.sector)) continue;
    if (!inJurisdiction(d, scope.regionCode)) continue;
    result.push({ departmentId: d.id, personal: rule.personal, commercial: rule.commercial });
  }
  return result.sort((a, b) => compareIds(a.departmentId, b.departmentId));
}

/**
 * The urgent lane spelled out: per level, departments over the region whose kind coordinates or owns the sector and
 * receives the record kind (default hazard).
 */
export function referenceUrgentPlan(
  pack: RulePack,
  departments: readonly Department[],
  scope: UrgentScope,
): UrgentPlan {
  const recordKind = scope.kind ?? 'hazard';
  const urgentKinds = new Set(
    pack.kinds
      .filter((k) => k.urgentRole === 'coordinator' || (k.urgentRole === 'sector' && k.sectors.includes(scope.sector)))
      .filter((k) => k.records.includes(recordKind))
      .map((k) => k.kind),
  );
  const tier = (level: Department['level']) =>
    departments
      .filter((d) => d.level === level && urgentKinds.has(d.kind) && inJurisdiction(d, scope.regionCode))
      .map((d) => d.id)
      .sort(compareIds);
  return { county: tier('county'), city: tier('city'), province: tier('province') };
}
