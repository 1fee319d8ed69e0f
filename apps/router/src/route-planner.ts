import {
  type Entitlement,
  type EntitlementIndex,
  type FindingViewData,
  maskFinding,
  maskRecord,
  urgentPlan,
} from '@ajx/authz';
import { ACCIDENT_GRADES, type AccidentRecord, type RecordKind, type RecordOfKind, type Sector } from '@ajx/contracts';
import {
  type FeedEntryType,
  type Holding,
  type RecordKey,
  recordKeyOf,
  type RoutedVersion,
  type RoutedWrite,
  type Urgency,
  type UrgentKind,
  type ViewChange,
  type ViewKind,
} from '@ajx/dept-store';

/**
 * A canonical record version (from the topic, or from the store when re-projecting), or a supervision finding's
 * version (kind `finding`, from `ajx.findings.v1`), as the router sees it.
 */
export interface RoutableEvent extends RecordKey {
  version: number;
  eventId: string;
  action: string;
  uscc: string;
  region: string;
  sector: Sector;
  businessTime: string;
  data: RecordOfKind[RecordKind] | FindingViewData;
  correction: boolean;
  acceptedAt: Date | null;
}

export interface RoutingPlan {
  changes: ViewChange[];
  routed: RoutedWrite[];
  /** Live routing of urgent-lane kinds (hazards, accidents): their place in the urgent lane (escalation timers). */
  urgencies: Urgency[];
}

/** A version's place in the urgent lane. */
export interface UrgencyOfVersion {
  /** Delivered urgently (flagged urgent for the first tier of its lane). */
  urgent: boolean;
  /** Its escalation runs: urgent and not yet settled. */
  open: boolean;
  /** Why it is not open (closes a running escalation). */
  reason: string | null;
}

/**
 * How the router treats one record kind: the columns of the department views that departments filter on and, for
 * the kinds of the urgent lane, which versions are urgent. A further kind is one more entry of {@link KIND_ROUTING}
 * (with its mask and view schema in `@ajx/authz`).
 */
export interface KindRouting<K extends ViewKind> {
  /** The view's `status` filter value. */
  status(record: ViewDataOfKind[K], action: string): string;
  /** The view's `level` filter value (null where the kind has none). */
  level(record: ViewDataOfKind[K]): string | null;
  /** The business date a department filters a period by (`from`/`to`); null where the kind has none. */
  recordTime(record: ViewDataOfKind[K]): string | null;
  /** Kinds of the urgent lane only. */
  urgency?: (record: ViewDataOfKind[K]) => UrgencyOfVersion;
}

/**
 * An accident is urgent with at least one death or a grade of 较大 (`larger`) or above (条例第三条): it is delivered
 * urgently, must be acknowledged and escalates like a major hazard.
 */
export function isUrgentAccident(a: Pick<AccidentRecord, 'deaths' | 'grade'>): boolean {
  return a.deaths >= 1 || ACCIDENT_GRADES.indexOf(a.grade) >= ACCIDENT_GRADES.indexOf('larger');
}

/** What a view holds of each kind: the records of the standard, and supervision findings. */
interface ViewDataOfKind extends RecordOfKind {
  finding: FindingViewData;
}

export const KIND_ROUTING: { readonly [K in ViewKind]: KindRouting<K> } = {
  // Policy in force or cancelled.
  policy: {
    status: (_r, action) => (action === 'cancelled' ? 'cancelled' : 'active'),
    level: () => null,
    recordTime: () => null,
  },
  // Service valid or revoked.
  service: {
    status: (_r, action) => (action === 'revoked' ? 'revoked' : 'valid'),
    level: () => null,
    recordTime: () => null,
  },
  // Rectification status and level; a major hazard (重大隐患) is urgent, its escalation runs until rectified.
  hazard: {
    status: (r) => r.status,
    level: (r) => r.level,
    recordTime: () => null,
    urgency: (r) =>
      r.level !== 'major'
        ? { urgent: false, open: false, reason: 'no longer major' }
        : { urgent: true, open: r.status !== 'rectified', reason: r.status === 'rectified' ? 'rectified' : null },
  },
  // 处理中/已结案 and the grade (事故等级); an urgent accident's escalation runs until it is closed.
  accident: {
    status: (r) => r.status,
    level: (r) => r.grade,
    recordTime: (r) => r.occurredAt,
    urgency: (r) =>
      !isUrgentAccident(r)
        ? { urgent: false, open: false, reason: 'no longer urgent' }
        : { urgent: true, open: r.status !== 'closed', reason: r.status === 'closed' ? 'closed' : null },
  },
  // The claim's status (filed … withdrawn) is its action; a department dates claims by 报案 (filedAt).
  claim: { status: (r) => r.action, level: () => null, recordTime: (r) => r.filedAt },
  // A supervision finding: open or resolved, and its rule as the class departments filter on.
  finding: { status: (r) => String(r.state), level: (r) => r.rule, recordTime: () => null },
};

function routingOf(kind: ViewKind): KindRouting<ViewKind> {
  return KIND_ROUTING[kind] as unknown as KindRouting<ViewKind>;
}

/**
 * Findings go to the departments entitled to the enterprise's policies — every department kind that supervises the
 * enterprise's sector in its jurisdiction (SUPERVISION.md, Findings: the same rules as records).
 */
const entitlementKind = (kind: ViewKind): RecordKind => (kind === 'finding' ? 'policy' : kind);

/** The department's copy: the record masked as the pack says, or the finding with amounts masked likewise. */
function viewOfKind(e: RoutableEvent, ent: Entitlement): unknown {
  return e.kind === 'finding'
    ? maskFinding(e.data as FindingViewData, ent)
    : maskRecord(e.kind, e.data as RecordOfKind[RecordKind], ent);
}

/** The version's place in the urgent lane; null for kinds outside it. */
function urgencyOfVersion(e: Pick<RoutableEvent, 'kind' | 'data'>): UrgencyOfVersion | null {
  return routingOf(e.kind).urgency?.(e.data) ?? null;
}

export type PlanMode =
  /** Live events from the canonical topic: stale versions and duplicates are dropped using route_records. */
  | { kind: 'live' }
  /** The latest state from the store, re-applied for some departments (a new department) or for all (new rules). */
  | { kind: 'reproject'; departmentId: string | null };

/**
 * Decides, per event and department, what changes: a department entitled now gets the version unless it holds the
 * same or a newer one (a correction replaces the same version); a department that holds the record but is no
 * longer entitled to the newer version loses it (`withdrawn`). Masks are applied here, before anything is written.
 * Urgent records (major hazards, urgent accidents) are flagged urgent for the first tier of their urgent plan
 * (county, else city, else province).
 */
export function planRouting(
  events: readonly RoutableEvent[],
  routed: Map<string, RoutedVersion>,
  holdings: Map<string, Map<string, Holding>>,
  index: EntitlementIndex,
  mode: PlanMode = { kind: 'live' },
): RoutingPlan {
  const plan: RoutingPlan = { changes: [], routed: [], urgencies: [] };
  for (const e of events) {
    const key = recordKeyOf(e);
    if (mode.kind === 'live') {
      const r = routed.get(key);
      if (r && (e.version < r.version || (e.version === r.version && !e.correction))) continue;
      routed.set(key, { version: e.version, eventId: e.eventId });
      plan.routed.push({
        kind: e.kind,
        insurer: e.insurer,
        subject: e.subject,
        version: e.version,
        eventId: e.eventId,
        correction: e.correction,
      });
      const urgency = urgencyOf(e, index);
      if (urgency) plan.urgencies.push(urgency);
    }
    let holders = holdings.get(key);
    if (!holders) holdings.set(key, (holders = new Map<string, Holding>()));
    const entitled = index.entitled({ kind: entitlementKind(e.kind), regionCode: e.region, sector: e.sector });
    const urgent = urgentTier(e, index);
    const masked = new Map<string, unknown>();
    const viewOf = (ent: Entitlement) => {
      const k = `${ent.personal}/${ent.commercial}`;
      if (!masked.has(k)) masked.set(k, viewOfKind(e, ent));
      return masked.get(k);
    };
    const entitledIds = new Set<string>();
    for (const ent of entitled) {
      entitledIds.add(ent.departmentId);
      if (mode.kind === 'reproject' && mode.departmentId !== null && ent.departmentId !== mode.departmentId) continue;
      const held = holders.get(ent.departmentId);
      if (held && (held.version > e.version || (held.version === e.version && !e.correction))) continue;
      const entry: FeedEntryType = !held ? 'new' : held.version === e.version ? 'corrected' : 'updated';
      plan.changes.push(change(e, ent.departmentId, entry, viewOf(ent), urgent.has(ent.departmentId)));
      holders.set(ent.departmentId, { departmentId: ent.departmentId, version: e.version, eventId: e.eventId });
    }
    if (mode.kind === 'reproject' && mode.departmentId !== null) continue;
    for (const [departmentId, held] of [...holders]) {
      if (entitledIds.has(departmentId)) continue;
      const newer =
        e.version > held.version || (e.version === held.version && (e.correction || mode.kind === 'reproject'));
      if (!newer) continue;
      plan.changes.push(change(e, departmentId, 'withdrawn', null, false));
      holders.delete(departmentId);
    }
  }
  return plan;
}

function urgentTier(e: RoutableEvent, index: EntitlementIndex): Set<string> {
  if (!urgencyOfVersion(e)?.urgent) return new Set();
  const plan = urgentPlan({ kind: e.kind as RecordKind, regionCode: e.region, sector: e.sector }, index);
  const tier = plan.county.length ? plan.county : plan.city.length ? plan.city : plan.province;
  return new Set(tier);
}

/**
 * A routed version's place in the urgent lane (null for kinds outside it): an urgent record not yet settled (a major
 * hazard not rectified, an urgent accident not closed) runs an escalation over its urgent plan; any other version
 * closes a running one.
 */
export function urgencyOf(e: RoutableEvent, index: EntitlementIndex): Urgency | null {
  const u = urgencyOfVersion(e);
  if (!u) return null;
  return {
    kind: e.kind as UrgentKind,
    insurer: e.insurer,
    subject: e.subject,
    version: e.version,
    eventId: e.eventId,
    open: u.open,
    reason: u.open ? null : u.reason,
    plan: u.open
      ? urgentPlan({ kind: e.kind as RecordKind, regionCode: e.region, sector: e.sector }, index)
      : { county: [], city: [], province: [] },
  };
}

function change(
  e: RoutableEvent,
  departmentId: string,
  entry: FeedEntryType,
  data: unknown,
  urgent: boolean,
): ViewChange {
  return {
    departmentId,
    entry,
    urgent,
    kind: e.kind,
    insurer: e.insurer,
    subject: e.subject,
    version: e.version,
    eventId: e.eventId,
    data,
    action: e.action,
    uscc: e.uscc,
    region: e.region,
    sector: e.sector,
    status: routingOf(e.kind).status(e.data, e.action),
    level: routingOf(e.kind).level(e.data),
    businessTime: e.businessTime,
    recordTime: routingOf(e.kind).recordTime(e.data),
    acceptedAt: e.acceptedAt,
  };
}
