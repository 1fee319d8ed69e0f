import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { insertFeedEntries, notifyFeed, takeFeedSequences } from './feed-sequence';

export type UrgentTier = 'county' | 'city' | 'province';
export const URGENT_TIERS: readonly UrgentTier[] = ['county', 'city', 'province'];

/** The departments of each tier of a major hazard's urgent lane (`urgentPlan()` of `@ajx/authz`). */
export type UrgentTiers = Record<UrgentTier, readonly string[]>;

export type EscalationState = 'open' | 'acknowledged' | 'closed' | 'exhausted';

/** What the router learnt about a hazard's place in the urgent lane from one routed version. */
export interface HazardUrgency {
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  /** A major hazard not yet rectified: its escalation runs (or keeps running). */
  open: boolean;
  /** Why it is not open (written as the reason an open escalation closed). */
  reason: string | null;
  plan: UrgentTiers;
}

/** The tier notified first: county, else (no county department) city at once, else province. */
export function firstTier(plan: UrgentTiers): UrgentTier | null {
  return URGENT_TIERS.find((t) => plan[t].length > 0) ?? null;
}

/** The next tier with departments after `tier`, or null at the top. */
export function nextTier(plan: UrgentTiers, tier: UrgentTier): UrgentTier | null {
  return URGENT_TIERS.slice(URGENT_TIERS.indexOf(tier) + 1).find((t) => plan[t].length > 0) ?? null;
}

/** Departments notified so far: every tier up to and including the current one. */
export function notifiedDepartments(plan: UrgentTiers, tier: UrgentTier): Set<string> {
  return new Set(URGENT_TIERS.slice(0, URGENT_TIERS.indexOf(tier) + 1).flatMap((t) => plan[t]));
}

/**
 * Records the urgent-lane state of routed hazard versions (in the router's transaction). A new open major hazard
 * starts its timer at its first tier; a newer version that is still open keeps the running timer, tier and
 * acknowledgement (the deadline does not move); a newer version that is rectified or no longer major closes it; a
 * closed hazard that becomes open again restarts at its first tier.
 */
export async function writeHazardUrgencies(tx: EntityManager, urgencies: readonly HazardUrgency[]): Promise<void> {
  const latest = new Map<string, HazardUrgency>();
  for (const u of urgencies) {
    const key = `${u.insurer}\u0000${u.subject}`;
    const seen = latest.get(key);
    if (!seen || seen.version <= u.version) latest.set(key, u);
  }
  const sorted = [...latest.values()].sort((a, b) =>
    a.insurer === b.insurer ? (a.subject < b.subject ? -1 : 1) : a.insurer < b.insurer ? -1 : 1,
  );
  const opens = sorted.flatMap((u) => {
    const tier = u.open ? firstTier(u.plan) : null;
    return tier ? [{ u, tier }] : [];
  });
  const closes = sorted.filter((u) => !u.open);
  if (opens.length) {
    await tx.query(
      `INSERT INTO hazard_escalations AS h (insurer, subject, version, event_id, plan, tier, state)
       SELECT i, s, v, e, p, t, 'open'
       FROM unnest($1::text[], $2::text[], $3::int[], $4::uuid[], $5::jsonb[], $6::text[]) AS u(i, s, v, e, p, t)
       ORDER BY i, s
       ON CONFLICT (insurer, subject) DO UPDATE SET version = EXCLUDED.version, event_id = EXCLUDED.event_id,
         plan = EXCLUDED.plan,
         state = CASE WHEN h.state = 'closed' THEN 'open' ELSE h.state END,
         tier = CASE WHEN h.state = 'closed' THEN EXCLUDED.tier ELSE h.tier END,
         tier_started_at = CASE WHEN h.state = 'closed' THEN now() ELSE h.tier_started_at END,
         closed_reason = CASE WHEN h.state = 'closed' THEN NULL ELSE h.closed_reason END,
         updated_at = now()
       WHERE h.version <= EXCLUDED.version`,
      [
        opens.map((o) => o.u.insurer),
        opens.map((o) => o.u.subject),
        opens.map((o) => o.u.version),
        opens.map((o) => o.u.eventId),
        opens.map((o) => JSON.stringify(o.u.plan)),
        opens.map((o) => o.tier),
      ],
    );
  }
  if (closes.length) {
    await tx.query(
      `UPDATE hazard_escalations h SET state = 'closed', closed_reason = u.r, version = u.v, event_id = u.e,
         updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::int[], $4::uuid[], $5::text[]) AS u(i, s, v, e, r)
       WHERE h.insurer = u.i AND h.subject = u.s AND h.state = 'open' AND h.version <= u.v`,
      [
        closes.map((u) => u.insurer),
        closes.map((u) => u.subject),
        closes.map((u) => u.version),
        closes.map((u) => u.eventId),
        closes.map((u) => u.reason ?? 'closed'),
      ],
    );
  }
}

export interface HazardEscalation {
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  plan: UrgentTiers;
  tier: UrgentTier;
  tierStartedAt: Date;
  state: EscalationState;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  closedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface EscalationRow {
  insurer: string;
  subject: string;
  version: number;
  event_id: string;
  plan: UrgentTiers;
  tier: UrgentTier;
  tier_started_at: Date;
  state: EscalationState;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  closed_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const toEscalation = (r: EscalationRow): HazardEscalation => ({
  insurer: r.insurer,
  subject: r.subject,
  version: r.version,
  eventId: r.event_id,
  plan: r.plan,
  tier: r.tier,
  tierStartedAt: r.tier_started_at,
  state: r.state,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at,
  closedReason: r.closed_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** One timer that fired. */
export interface EscalationFired {
  insurer: string;
  subject: string;
  version: number;
  from: UrgentTier;
  /** null: the top tier's time ran out unacknowledged (state `exhausted`). */
  to: UrgentTier | null;
  /** Departments that got an `escalated` feed entry. */
  departments: string[];
}

export type AcknowledgeResult =
  | { outcome: 'not-urgent' }
  | { outcome: 'not-notified'; escalation: HazardEscalation }
  | { outcome: 'acknowledged'; escalation: HazardEscalation; first: boolean };

/** Escalation timers and acknowledgements of major hazards (service connection: router, notifier, gateway). */
@Injectable()
export class HazardEscalationRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Fires every open timer older than `afterMs` (up to `limit`), in one transaction: the next tier's departments
   * get an urgent `escalated` feed entry carrying their own (masked) view of the hazard, and the timer restarts
   * there; at the top tier the escalation becomes `exhausted`. Rows locked by another notifier are skipped.
   */
  escalateDue(afterMs: number, limit: number): Promise<EscalationFired[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations
         WHERE state = 'open' AND tier_started_at <= now() - $1 * interval '1 millisecond'
         ORDER BY tier_started_at, insurer, subject LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [afterMs, limit],
      );
      if (!due.length) return [];
      const fired: EscalationFired[] = due.map((r) => {
        const to = nextTier(r.plan, r.tier);
        return { insurer: r.insurer, subject: r.subject, version: r.version, from: r.tier, to, departments: [] };
      });
      const moving = fired.filter((f) => f.to !== null);
      const exhausted = fired.filter((f) => f.to === null);
      if (exhausted.length) {
        await tx.query(
          `UPDATE hazard_escalations h SET state = 'exhausted', updated_at = now()
           FROM unnest($1::text[], $2::text[]) AS u(i, s) WHERE h.insurer = u.i AND h.subject = u.s`,
          [exhausted.map((f) => f.insurer), exhausted.map((f) => f.subject)],
        );
      }
      if (!moving.length) return fired;
      await tx.query(
        `UPDATE hazard_escalations h SET tier = u.t, tier_started_at = now(), updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(i, s, t) WHERE h.insurer = u.i AND h.subject = u.s`,
        [moving.map((f) => f.insurer), moving.map((f) => f.subject), moving.map((f) => f.to)],
      );
      const targets = moving.flatMap((f) =>
        due.find((r) => r.insurer === f.insurer && r.subject === f.subject)!.plan[f.to!].map((d) => ({ f, d })),
      );
      // Each department gets its own view of the hazard (masked for it); one no longer holding it gets nothing.
      const views = await tx.query<
        {
          department_id: string;
          insurer: string;
          subject: string;
          version: number;
          event_id: string;
          payload_id: string;
        }[]
      >(
        `SELECT v.department_id, v.insurer, v.subject, v.version, v.event_id, v.payload_id FROM dept_views v
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(d, i, s)
           ON v.department_id = t.d AND v.kind = 'hazard' AND v.insurer = t.i AND v.subject = t.s
         ORDER BY v.department_id, v.insurer, v.subject`,
        [targets.map((t) => t.d), targets.map((t) => t.f.insurer), targets.map((t) => t.f.subject)],
      );
      for (const v of views) {
        moving.find((f) => f.insurer === v.insurer && f.subject === v.subject)!.departments.push(v.department_id);
      }
      const seqs = await takeFeedSequences(
        tx,
        views.map((v) => v.department_id),
      );
      await insertFeedEntries(
        tx,
        views.map((v, i) => ({
          departmentId: v.department_id,
          seq: seqs[i],
          entry: 'escalated',
          urgent: true,
          kind: 'hazard',
          insurer: v.insurer,
          subject: v.subject,
          version: v.version,
          eventId: v.event_id,
          payloadId: v.payload_id,
          acceptedAt: null,
        })),
      );
      await notifyFeed(
        tx,
        views.map((v) => v.department_id),
      );
      return fired;
    });
  }

  /**
   * A department acknowledges a hazard it was notified of (any tier reached so far). The first acknowledgement
   * stops the escalation; later ones are recorded too.
   */
  acknowledge(departmentId: string, insurer: string, subject: string): Promise<AcknowledgeResult> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations WHERE insurer = $1 AND subject = $2 FOR UPDATE`,
        [insurer, subject],
      );
      if (!row) return { outcome: 'not-urgent' };
      if (!notifiedDepartments(row.plan, row.tier).has(departmentId)) {
        return { outcome: 'not-notified', escalation: toEscalation(row) };
      }
      await tx.query(
        `INSERT INTO hazard_acknowledgements (department_id, insurer, subject, version, tier)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [departmentId, insurer, subject, row.version, row.tier],
      );
      const first = row.state === 'open' || row.state === 'exhausted';
      if (first) {
        await tx.query(
          `UPDATE hazard_escalations SET state = 'acknowledged', acknowledged_by = $3, acknowledged_at = now(),
             updated_at = now()
           WHERE insurer = $1 AND subject = $2`,
          [insurer, subject, departmentId],
        );
      }
      const [after] = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations WHERE insurer = $1 AND subject = $2`,
        [insurer, subject],
      );
      return { outcome: 'acknowledged', escalation: toEscalation(after), first };
    });
  }

  /**
   * Open escalations whose tier has been waiting longer than `afterMs + graceMs`: timers that should have fired and
   * did not (no notifier running, or one failing). Counted for monitoring.
   */
  async countOverdue(afterMs: number, graceMs: number): Promise<number> {
    const rows = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM hazard_escalations
        WHERE state = 'open' AND tier_started_at <= now() - ($1::bigint + $2::bigint) * interval '1 millisecond'`,
      [afterMs, graceMs],
    );
    return rows[0]?.n ?? 0;
  }

  async get(insurer: string, subject: string): Promise<HazardEscalation | null> {
    const [row] = await this.db.query<EscalationRow[]>(
      `SELECT * FROM hazard_escalations WHERE insurer = $1 AND subject = $2`,
      [insurer, subject],
    );
    return row ? toEscalation(row) : null;
  }

  /** For operators: escalations by state, paged by (insurer, subject). */
  async list(
    state: EscalationState | null,
    after: { insurer: string; subject: string } | null,
    limit: number,
  ): Promise<HazardEscalation[]> {
    const rows = await this.db.query<EscalationRow[]>(
      `SELECT * FROM hazard_escalations
       WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR (insurer, subject) > ($2, $3))
       ORDER BY insurer, subject LIMIT $4`,
      [state, after?.insurer ?? null, after?.subject ?? null, limit],
    );
    return rows.map(toEscalation);
  }
}
