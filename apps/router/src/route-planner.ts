import {
  type Entitlement,
  type EntitlementIndex,
  type FindingViewData,
  maskFinding,
  maskRecord,
  urgentPlan,
} from '@ajx/authz';
import type { RecordKind, RecordOfKind, Sector, V1RecordKind } from '@ajx/contracts';
import {
  type FeedEntryType,
  type HazardUrgency,
  type Holding,
  type RecordKey,
  recordKeyOf,
  type RoutedVersion,
  type RoutedWrite,
  type ViewChange,
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
  /** Live routing of hazards: their place in the urgent lane (escalation timers). */
  urgencies: HazardUrgency[];
}

export type PlanMode =
  /** Live events from the canonical topic: stale versions and duplicates are dropped using route_records. */
  | { kind: 'live' }
  /** The latest state from the store, re-applied for some departments (a new department) or for all (new rules). */
  | { kind: 'reproject'; departmentId: string | null };

/** The status a department filters on: hazard rectification status, policy in force or cancelled, service valid or revoked. */
export function statusOf(e: Pick<RoutableEvent, 'kind' | 'action' | 'data'>): string {
  if (e.kind === 'finding') return (e.data as FindingViewData).state as string;
  if (e.kind === 'hazard') return (e.data as RecordOfKind['hazard']).status;
  if (e.kind === 'policy') return e.action === 'cancelled' ? 'cancelled' : 'active';
  return e.action === 'revoked' ? 'revoked' : 'valid';
}

/** The class a department filters on: a hazard's level; a finding's rule. */
function levelOf(e: RoutableEvent): string | null {
  if (e.kind === 'finding') return (e.data as FindingViewData).rule;
  return e.kind === 'hazard' ? (e.data as RecordOfKind['hazard']).level : null;
}

/**
 * Findings go to the departments entitled to the enterprise's policies — every department kind that supervises the
 * enterprise's sector in its jurisdiction (SUPERVISION.md, Findings: the same rules as records).
 */
const ENTITLEMENT_KIND = (kind: RoutableEvent['kind']): RecordKind => (kind === 'finding' ? 'policy' : kind);

/**
 * Decides, per event and department, what changes: a department entitled now gets the version unless it holds the
 * same or a newer one (a correction replaces the same version); a department that holds the record but is no
 * longer entitled to the newer version loses it (`withdrawn`). Masks are applied here, before anything is written.
 * Major hazards are flagged urgent for the first tier of their urgent plan (county, else city, else province).
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
      if (e.kind === 'hazard') plan.urgencies.push(urgencyOf(e, index));
    }
    let holders = holdings.get(key);
    if (!holders) holdings.set(key, (holders = new Map<string, Holding>()));
    const entitled = index.entitled({ kind: ENTITLEMENT_KIND(e.kind), regionCode: e.region, sector: e.sector });
    const urgent = urgentTier(e, index);
    const masked = new Map<string, unknown>();
    const viewOf = (ent: Entitlement) => {
      const k = `${ent.personal}/${ent.commercial}`;
      if (!masked.has(k))
        masked.set(
          k,
          e.kind === 'finding'
            ? maskFinding(e.data as FindingViewData, ent)
            : // Rule packs entitle v1 kinds only (authz), so only policies, services and hazards reach a record mask.
              maskRecord(e.kind as V1RecordKind, e.data as RecordOfKind[V1RecordKind], ent),
        );
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

function isOpenMajor(e: RoutableEvent): boolean {
  if (e.kind !== 'hazard') return false;
  const h = e.data as RecordOfKind['hazard'];
  return h.level === 'major' && h.status !== 'rectified';
}

function urgentTier(e: RoutableEvent, index: EntitlementIndex): Set<string> {
  if (e.kind !== 'hazard' || (e.data as RecordOfKind['hazard']).level !== 'major') return new Set();
  const plan = urgentPlan({ regionCode: e.region, sector: e.sector }, index);
  const tier = plan.county.length ? plan.county : plan.city.length ? plan.city : plan.province;
  return new Set(tier);
}

/**
 * A routed hazard version's place in the urgent lane: an open major hazard (not rectified) runs an escalation over
 * its urgent plan; any other version closes a running one.
 */
export function urgencyOf(e: RoutableEvent, index: EntitlementIndex): HazardUrgency {
  const open = isOpenMajor(e);
  const h = e.data as RecordOfKind['hazard'];
  return {
    insurer: e.insurer,
    subject: e.subject,
    version: e.version,
    eventId: e.eventId,
    open,
    reason: open ? null : h.level !== 'major' ? 'no longer major' : 'rectified',
    plan: open ? urgentPlan({ regionCode: e.region, sector: e.sector }, index) : { county: [], city: [], province: [] },
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
    status: statusOf(e),
    level: levelOf(e),
    businessTime: e.businessTime,
    acceptedAt: e.acceptedAt,
  };
}
