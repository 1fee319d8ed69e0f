import type { CanonicalRecord, RecordKind, RecordOfKind, Sector } from '@ajx/contracts';
import type { DepartmentLevel } from '../department/department.types';
import type { UrgentRole, Visibility } from '../rule-pack/rule-pack.types';

/** What decides who receives a record: its kind and its enterprise's region and sector. */
export interface RecordScope {
  kind: RecordKind;
  /** County-level GB/T 2260 code of the enterprise. */
  regionCode: string;
  sector: Sector;
}

/** A department entitled to a record, and how it sees the record's field classes. */
export interface Entitlement {
  readonly departmentId: string;
  readonly personal: Visibility;
  readonly commercial: Visibility;
}

/**
 * Where an urgent record (a major hazard, an urgent accident) arises: its enterprise's county and sector, and its kind
 * (default `hazard`): only departments that receive records of that kind are in its urgent lane.
 */
export interface UrgentScope {
  kind?: RecordKind;
  regionCode: string;
  sector: Sector;
}

/** The departments to notify of an urgent record, tier by tier (escalation goes county → city → province). */
export interface UrgentPlan {
  readonly county: readonly string[];
  readonly city: readonly string[];
  readonly province: readonly string[];
}

/**
 * Everything a department is entitled to, as filters (e.g. to re-project a new department's history from the
 * canonical store: kind in `records`, sector in `sectors`, region code starting with `regionPrefix`).
 */
export interface DepartmentGrant {
  readonly departmentId: string;
  readonly kind: string;
  readonly level: DepartmentLevel;
  readonly regionCode: string;
  readonly regionPrefix: string;
  readonly records: readonly RecordKind[];
  readonly sectors: readonly Sector[];
  readonly allSectors: boolean;
  readonly personal: Visibility;
  readonly commercial: Visibility;
  readonly urgentRole: UrgentRole;
}

export function scopeOf<K extends RecordKind>(kind: K, record: RecordOfKind[K] | CanonicalRecord): RecordScope {
  return { kind, regionCode: record.enterprise.regionCode, sector: record.enterprise.sector };
}

/**
 * Departments that had a record before and lose it after (a newer version moved it to another region or sector,
 * or the rules changed): they get a `withdrawn` feed entry and their view row is deleted. Sorted by id.
 */
export function withdrawals(before: readonly Entitlement[], after: readonly Entitlement[]): string[] {
  const kept = new Set(after.map((e) => e.departmentId));
  return before
    .filter((e) => !kept.has(e.departmentId))
    .map((e) => e.departmentId)
    .sort(compareIds);
}

/** Department ids are ordered by UTF-16 code units (locale-independent, so every process agrees). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
