import { RECORD_KINDS, SECTORS, type RecordKind, type Sector } from '@ajx/contracts';
import type { Department, DepartmentLevel } from '../department/department.types';
import { DepartmentError, validateDepartment } from '../department/department.validator';
import { jurisdictionPrefix } from '../department/jurisdiction';
import type { KindRule, RulePack } from '../rule-pack/rule-pack.types';
import {
  compareIds,
  type DepartmentGrant,
  type Entitlement,
  type RecordScope,
  type UrgentPlan,
  type UrgentScope,
} from './entitlement.types';

const REGION_CODE = /^\d{6}$/;
const NONE: readonly never[] = Object.freeze([]);

/**
 * Entitled departments of one (record kind, sector), by region. Lists are complete answers, precomputed: a county
 * code's list holds its province's, city's and own departments; a city prefix's list its province's and own. Codes
 * without a list of their own fall back to the next coarser one.
 */
interface RegionTable {
  readonly province: Map<string, readonly Entitlement[]>;
  readonly city: Map<string, readonly Entitlement[]>;
  readonly county: Map<string, readonly Entitlement[]>;
}

/** Urgent-lane recipients of one (record kind, sector): department ids of exactly that level, by region prefix. */
interface UrgentTable {
  readonly province: Map<string, readonly string[]>;
  readonly city: Map<string, readonly string[]>;
  readonly county: Map<string, readonly string[]>;
}

/**
 * Who receives what, precomputed for a set of departments under one rule pack. `entitled()` costs three map
 * lookups and allocates nothing: the router calls it for every canonical event. Rebuild the index when the
 * departments or the pack change (it is immutable; building is linear in departments × sectors × record kinds).
 */
export class EntitlementIndex {
  private readonly tables = new Map<RecordKind, Map<Sector, RegionTable>>();
  private readonly urgent = new Map<RecordKind, Map<Sector, UrgentTable>>();
  private readonly departmentsById = new Map<string, Readonly<Department>>();
  private readonly grants = new Map<string, DepartmentGrant>();

  constructor(
    readonly pack: RulePack,
    departments: readonly Department[],
  ) {
    const problems: string[] = [];
    for (const d of departments) {
      const label = typeof d.id === 'string' ? d.id : JSON.stringify(d.id);
      for (const p of validateDepartment(d, pack)) problems.push(`department '${label}': ${p}`);
      if (this.departmentsById.has(d.id)) problems.push(`department '${label}': duplicate id`);
      this.departmentsById.set(d.id, Object.freeze({ ...d }));
    }
    if (problems.length > 0) throw new DepartmentError(problems);

    const rules = new Map(pack.kinds.map((k) => [k.kind, k]));
    const own = new Map(
      RECORD_KINDS.map((k) => [k, new Map(SECTORS.map((s) => [s, emptyLists<Entitlement>()] as const))] as const),
    );
    const urgentOwn = new Map(
      RECORD_KINDS.map((k) => [k, new Map(SECTORS.map((s) => [s, emptyLists<string>()] as const))] as const),
    );
    const sorted = [...this.departmentsById.values()].sort((a, b) => compareIds(a.id, b.id));
    for (const d of sorted) {
      const rule = rules.get(d.kind)!;
      const prefix = jurisdictionPrefix(d.level, d.regionCode);
      const entitlement: Entitlement = Object.freeze({
        departmentId: d.id,
        personal: rule.personal,
        commercial: rule.commercial,
      });
      this.grants.set(d.id, grantFor(d, rule, prefix));
      for (const kind of rule.records)
        for (const sector of rule.sectors) pushTo(own.get(kind)!.get(sector)![d.level], prefix, entitlement);
      if (rule.urgentRole === 'none') continue;
      // The coordinator hears of every sector's urgent records, a sector kind of its own sectors' — of the record
      // kinds it receives (the lane only carries records to departments entitled to them).
      for (const kind of rule.records)
        for (const sector of rule.sectors) pushTo(urgentOwn.get(kind)!.get(sector)![d.level], prefix, d.id);
    }

    for (const kind of RECORD_KINDS) {
      const bySector = new Map<Sector, RegionTable>();
      for (const sector of SECTORS) bySector.set(sector, completeTable(own.get(kind)!.get(sector)!));
      this.tables.set(kind, bySector);
    }
    for (const [kind, bySector] of urgentOwn)
      this.urgent.set(kind, new Map([...bySector].map(([sector, table]) => [sector, freezeLists(table)] as const)));
  }

  /** The departments entitled to a record of this scope, sorted by department id. Do not mutate the result. */
  entitled(scope: RecordScope): readonly Entitlement[] {
    const table = this.tables.get(scope.kind)?.get(scope.sector);
    if (table === undefined) throw new TypeError(`unknown record kind or sector in scope ${describe(scope)}`);
    const region = scope.regionCode;
    if (!REGION_CODE.test(region)) throw new TypeError(`scope region must be a 6-digit code: ${describe(scope)}`);
    return (
      table.county.get(region) ?? table.city.get(region.slice(0, 4)) ?? table.province.get(region.slice(0, 2)) ?? NONE
    );
  }

  /**
   * Urgent-lane recipients of an urgent record (default a major hazard) of an enterprise in this county and sector:
   * per level, the departments of the enterprise's county / city / province whose kind is the coordinator or
   * supervises the sector, and receives records of that kind.
   */
  urgentRecipients(scope: UrgentScope): UrgentPlan {
    const table = this.urgent.get(scope.kind ?? 'hazard')?.get(scope.sector);
    if (table === undefined) throw new TypeError(`unknown record kind or sector in scope ${describe(scope)}`);
    const region = scope.regionCode;
    if (!REGION_CODE.test(region)) throw new TypeError(`scope region must be a 6-digit code: ${describe(scope)}`);
    return {
      county: table.county.get(region) ?? NONE,
      city: table.city.get(region.slice(0, 4)) ?? NONE,
      province: table.province.get(region.slice(0, 2)) ?? NONE,
    };
  }

  department(id: string): Readonly<Department> | undefined {
    return this.departmentsById.get(id);
  }

  /** What a department is entitled to, as filters; undefined for an unknown id. */
  grant(departmentId: string): DepartmentGrant | undefined {
    return this.grants.get(departmentId);
  }

  get size(): number {
    return this.departmentsById.size;
  }
}

/** What a department is entitled to under a pack, as filters. Throws when its kind is not in the pack. */
export function grantOf(pack: RulePack, department: Department): DepartmentGrant {
  const rule = pack.kinds.find((k) => k.kind === department.kind);
  if (!rule) throw new TypeError(`kind '${department.kind}' is not defined by rule pack ${pack.id}@${pack.version}`);
  return grantFor(department, rule, jurisdictionPrefix(department.level, department.regionCode));
}

/** `urgentPlan(scope, index)`: the pure routing of the urgent lane (timers and acknowledgements live elsewhere). */
export function urgentPlan(scope: UrgentScope, index: EntitlementIndex): UrgentPlan {
  return index.urgentRecipients(scope);
}

/** While building: each department under its own level and jurisdiction prefix only, in id order. */
type OwnLists<T> = Record<DepartmentLevel, Map<string, T[]>>;

function emptyLists<T>(): OwnLists<T> {
  return { province: new Map(), city: new Map(), county: new Map() };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Own lists (departments pushed in id order, so each is sorted) → complete, frozen answers per region. */
function completeTable(own: OwnLists<Entitlement>): RegionTable {
  const province = new Map<string, readonly Entitlement[]>();
  for (const [p, list] of own.province) province.set(p, Object.freeze(list));
  const city = new Map<string, readonly Entitlement[]>();
  const cityPrefixes = new Set([...own.city.keys(), ...[...own.county.keys()].map((c) => c.slice(0, 4))]);
  for (const c of cityPrefixes) city.set(c, merge(province.get(c.slice(0, 2)), own.city.get(c)));
  const county = new Map<string, readonly Entitlement[]>();
  for (const [code, list] of own.county) county.set(code, merge(city.get(code.slice(0, 4)), list));
  return { province, city, county };
}

function merge(a: readonly Entitlement[] | undefined, b: readonly Entitlement[] | undefined): readonly Entitlement[] {
  const left = a ?? NONE;
  const right = b ?? NONE;
  if (right.length === 0) return Object.isFrozen(left) ? left : Object.freeze([...left]);
  const out: Entitlement[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length)
    out.push(compareIds(left[i].departmentId, right[j].departmentId) <= 0 ? left[i++] : right[j++]);
  while (i < left.length) out.push(left[i++]);
  while (j < right.length) out.push(right[j++]);
  return Object.freeze(out);
}

function freezeLists(table: OwnLists<string>): UrgentTable {
  const freeze = (m: Map<string, string[]>) => new Map([...m].map(([k, v]) => [k, Object.freeze(v)] as const));
  return { province: freeze(table.province), city: freeze(table.city), county: freeze(table.county) };
}

function grantFor(d: Department, rule: KindRule, prefix: string): DepartmentGrant {
  return Object.freeze({
    departmentId: d.id,
    kind: d.kind,
    level: d.level,
    regionCode: d.regionCode,
    regionPrefix: prefix,
    records: rule.records,
    sectors: rule.sectors,
    allSectors: rule.allSectors,
    personal: rule.personal,
    commercial: rule.commercial,
    urgentRole: rule.urgentRole,
  });
}

function describe(scope: object): string {
  return JSON.stringify(scope);
}
