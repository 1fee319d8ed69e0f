import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { insertFeedEntries, notifyFeed, takeFeedSequences } from './feed-sequence';

export type UrgentTier = 'county' | 'city' | 'province';
export const URGENT_TIERS: readonly UrgentTier[] = ['county', 'city', 'province'];

/** The record kinds the urgent lane carries: major hazards (重大隐患) and urgent accidents (事故). */
export const URGENT_KINDS = ['hazard', 'accident'] as const;
export type UrgentKind = (typeof URGENT_KINDS)[number];

/** The departments of each tier of an urgent record's lane (`urgentPlan()` of `@ajx/authz`). */
export type UrgentTiers = Record<UrgentTier, readonly string[]>;

export type EscalationState = 'open' | 'acknowledged' | 'closed' | 'exhausted';

/** What the router learnt about an urgent-lane record (a hazard, an accident) from one routed version. */
export interface Urgency {
  kind: UrgentKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  /** Urgent and not yet settled (a major hazard not rectified, an urgent accident not closed): its escalation runs. */
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

const byKey = (a: Pick<Urgency, 'kind' | 'insurer' | 'subject'>, b: Pick<Urgency, 'kind' | 'insurer' | 'subject'>) =>
  a.kind !== b.kind
    ? a.kind < b.kind
      ? -1
      : 1
    : a.insurer !== b.insurer
      ? a.insurer < b.insurer
        ? -1
        : 1
      : a.subject < b.subject
        ? -1
        : a.subject > b.subject
          ? 1
          : 0;

/**
 * Records the urgent-lane state of routed versions (in the router's transaction). A new open urgent record starts
 * its timer at its first tier; a newer version that is still open keeps the running timer, tier and acknowledgement
 * (the deadline does not move); a newer version that is settled (rectified, closed) or no longer urgent closes it; a
 * closed one that becomes open again restarts at its first tier.
 */
export async function writeUrgencies(tx: EntityManager, urgencies: readonly Urgency[]): Promise<void> {
  const latest = new Map<string, Urgency>();
  for (const u of urgencies) {
    const key = `${u.kind}\u0000${u.insurer}\u0000${u.subject}`;
    const seen = latest.get(key);
    if (!seen || seen.version <= u.version) latest.set(key, u);
  }
  const sorted = [...latest.values()].sort(byKey);
  const opens = sorted.flatMap((u) => {
    const tier = u.open ? firstTier(u.plan) : null;
    return tier ? [{ u, tier }] : [];
  });
  const closes = sorted.filter((u) => !u.open);
  if (opens.length) {
    await tx.query(
      `INSERT INTO hazard_escalations AS h (kind, insurer, subject, version, event_id, plan, tier, state)
       SELECT k, i, s, v, e, p, t, 'open'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::uuid[], $6::jsonb[], $7::text[])
         AS u(k, i, s, v, e, p, t)
       ORDER BY k, i, s
       ON CONFLICT (kind, insurer, subject) DO UPDATE SET version = EXCLUDED.version, event_id = EXCLUDED.event_id,
         plan = EXCLUDED.plan,
         state = CASE WHEN h.state = 'closed' THEN 'open' ELSE h.state END,
         tier = CASE WHEN h.state = 'closed' THEN EXCLUDED.tier ELSE h.tier END,
         tier_started_at = CASE WHEN h.state = 'closed' THEN now() ELSE h.tier_started_at END,
         closed_reason = CASE WHEN h.state = 'closed' THEN NULL ELSE h.closed_reason END,
         updated_at = now()
       WHERE h.version <= EXCLUDED.version`,
      [
        opens.map((o) => o.u.kind),
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
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::uuid[], $6::text[]) AS u(k, i, s, v, e, r)
       WHERE h.kind = u.k AND h.insurer = u.i AND h.subject = u.s AND h.state = 'open' AND h.version <= u.v`,
      [
        closes.map((u) => u.kind),
        closes.map((u) => u.insurer),
        closes.map((u) => u.subject),
        closes.map((u) => u.version),
        closes.map((u) => u.eventId),
        closes.map((u) => u.reason ?? 'closed'),
      ],
    );
  }
}

/** An urgent record's escalation (the timer). */
export interface Escalation {
  kind: UrgentKind;
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

/** One department's acknowledgement of an urgent record, with its note (处置意见). */
export interface Acknowledgement {
  departmentId: string;
  kind: UrgentKind;
  insurer: string;
  subject: string;
  /** The version the escalation was at. */
  version: number;
  /** The tier the escalation was at. */
  tier: UrgentTier;
  at: Date;
  note: string | null;
}

interface EscalationRow {
  kind: UrgentKind;
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

interface AcknowledgementRow {
  department_id: string;
  kind: UrgentKind;
  insurer: string;
  subject: string;
  version: number;
  tier: UrgentTier;
  at: Date;
  note: string | null;
}

const toEscalation = (r: EscalationRow): Escalation => ({
  kind: r.kind,
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

const toAcknowledgement = (r: AcknowledgementRow): Acknowledgement => ({
  departmentId: r.department_id,
  kind: r.kind,
  insurer: r.insurer,
  subject: r.subject,
  version: r.version,
  tier: r.tier,
  at: r.at,
  note: r.note,
});

/** One timer that fired. */
export interface EscalationFired {
  kind: UrgentKind;
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
  | { outcome: 'not-notified'; escalation: Escalation }
  | { outcome: 'acknowledged'; escalation: Escalation; first: boolean; acknowledgement: Acknowledgement };

/** Longest note (处置意见) an acknowledgement may carry, characters. */
export const ACKNOWLEDGEMENT_NOTE_MAX = 2000;

/**
 * Escalation timers and acknowledgements of the urgent lane — major hazards and urgent accidents — on the service
 * connection (router, notifier, gateway).
 */
@Injectable()
export class UrgentEscalationRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Fires every open timer older than `afterMs` (up to `limit`), in one transaction: the next tier's departments
   * get an urgent `escalated` feed entry carrying their own (masked) view of the record, and the timer restarts
   * there; at the top tier the escalation becomes `exhausted`. Rows locked by another notifier are skipped.
   */
  escalateDue(afterMs: number, limit: number): Promise<EscalationFired[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations
         WHERE state = 'open' AND tier_started_at <= now() - $1 * interval '1 millisecond'
         ORDER BY tier_started_at, kind, insurer, subject LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [afterMs, limit],
      );
      if (!due.length) return [];
      const fired: EscalationFired[] = due.map((r) => {
        const to = nextTier(r.plan, r.tier);
        return {
          kind: r.kind,
          insurer: r.insurer,
          subject: r.subject,
          version: r.version,
          from: r.tier,
          to,
          departments: [],
        };
      });
      const moving = fired.filter((f) => f.to !== null);
      const exhausted = fired.filter((f) => f.to === null);
      if (exhausted.length) {
        await tx.query(
          `UPDATE hazard_escalations h SET state = 'exhausted', updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, i, s)
           WHERE h.kind = u.k AND h.insurer = u.i AND h.subject = u.s`,
          [exhausted.map((f) => f.kind), exhausted.map((f) => f.insurer), exhausted.map((f) => f.subject)],
        );
      }
      if (!moving.length) return fired;
      await tx.query(
        `UPDATE hazard_escalations h SET tier = u.t, tier_started_at = now(), updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, i, s, t)
         WHERE h.kind = u.k AND h.insurer = u.i AND h.subject = u.s`,
        [
          moving.map((f) => f.kind),
          moving.map((f) => f.insurer),
          moving.map((f) => f.subject),
          moving.map((f) => f.to),
        ],
      );
      const same = (f: EscalationFired, r: { kind: string; insurer: string; subject: string }) =>
        f.kind === r.kind && f.insurer === r.insurer && f.subject === r.subject;
      const targets = moving.flatMap((f) => due.find((r) => same(f, r))!.plan[f.to!].map((d) => ({ f, d })));
      // Each department gets its own view of the record (masked for it); one no longer holding it gets nothing.
      const views = await tx.query<
        {
          department_id: string;
          kind: UrgentKind;
          insurer: string;
          subject: string;
          version: number;
          event_id: string;
          payload_id: string;
        }[]
      >(
        `SELECT v.department_id, v.kind, v.insurer, v.subject, v.version, v.event_id, v.payload_id FROM dept_views v
         JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(d, k, i, s)
           ON v.department_id = t.d AND v.kind = t.k AND v.insurer = t.i AND v.subject = t.s
         ORDER BY v.department_id, v.kind, v.insurer, v.subject`,
        [
          targets.map((t) => t.d),
          targets.map((t) => t.f.kind),
          targets.map((t) => t.f.insurer),
          targets.map((t) => t.f.subject),
        ],
      );
      for (const v of views) moving.find((f) => same(f, v))!.departments.push(v.department_id);
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
          kind: v.kind,
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
   * A department acknowledges an urgent record it was notified of (any tier reached so far), with an optional note
   * (处置意见). The first acknowledgement stops the escalation; later ones are recorded too. A department that
   * acknowledges again keeps its first acknowledgement (and note).
   */
  acknowledge(
    departmentId: string,
    kind: UrgentKind,
    insurer: string,
    subject: string,
    note: string | null = null,
  ): Promise<AcknowledgeResult> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations WHERE kind = $1 AND insurer = $2 AND subject = $3 FOR UPDATE`,
        [kind, insurer, subject],
      );
      if (!row) return { outcome: 'not-urgent' };
      if (!notifiedDepartments(row.plan, row.tier).has(departmentId)) {
        return { outcome: 'not-notified', escalation: toEscalation(row) };
      }
      await tx.query(
        `INSERT INTO hazard_acknowledgements (department_id, kind, insurer, subject, version, tier, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [departmentId, kind, insurer, subject, row.version, row.tier, note],
      );
      const first = row.state === 'open' || row.state === 'exhausted';
      if (first) {
        await tx.query(
          `UPDATE hazard_escalations SET state = 'acknowledged', acknowledged_by = $4, acknowledged_at = now(),
             updated_at = now()
           WHERE kind = $1 AND insurer = $2 AND subject = $3`,
          [kind, insurer, subject, departmentId],
        );
      }
      const [after] = await tx.query<EscalationRow[]>(
        `SELECT * FROM hazard_escalations WHERE kind = $1 AND insurer = $2 AND subject = $3`,
        [kind, insurer, subject],
      );
      const [ack] = await tx.query<AcknowledgementRow[]>(
        `SELECT * FROM hazard_acknowledgements WHERE department_id = $1 AND kind = $2 AND insurer = $3 AND subject = $4`,
        [departmentId, kind, insurer, subject],
      );
      return {
        outcome: 'acknowledged',
        escalation: toEscalation(after),
        first,
        acknowledgement: toAcknowledgement(ack),
      };
    });
  }

  /**
   * Open escalations (major hazards and urgent accidents) whose tier has been waiting longer than `afterMs + graceMs`:
   * timers that should have fired and did not (no notifier running, or one failing). Counted for monitoring.
   */
  async countOverdue(afterMs: number, graceMs: number): Promise<number> {
    const rows = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM hazard_escalations
        WHERE state = 'open' AND tier_started_at <= now() - ($1::bigint + $2::bigint) * interval '1 millisecond'`,
      [afterMs, graceMs],
    );
    return rows[0]?.n ?? 0;
  }

  async get(kind: UrgentKind, insurer: string, subject: string): Promise<Escalation | null> {
    const [row] = await this.db.query<EscalationRow[]>(
      `SELECT * FROM hazard_escalations WHERE kind = $1 AND insurer = $2 AND subject = $3`,
      [kind, insurer, subject],
    );
    return row ? toEscalation(row) : null;
  }

  /**
   * The acknowledgements of urgent records (every department's, in the order they came), for the given records.
   * `departmentId`: only that department's (what a department may see of them).
   */
  async acknowledgements(
    records: readonly { kind: UrgentKind; insurer: string; subject: string }[],
    departmentId: string | null = null,
  ): Promise<Acknowledgement[]> {
    if (!records.length) return [];
    const rows = await this.db.query<AcknowledgementRow[]>(
      `SELECT a.* FROM hazard_acknowledgements a
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(k, i, s)
         ON a.kind = r.k AND a.insurer = r.i AND a.subject = r.s
       WHERE ($4::text IS NULL OR a.department_id = $4)
       ORDER BY a.kind, a.insurer, a.subject, a.at, a.department_id`,
      [records.map((r) => r.kind), records.map((r) => r.insurer), records.map((r) => r.subject), departmentId],
    );
    return rows.map(toAcknowledgement);
  }

  /** For operators: escalations by state (and kind), paged by (kind, insurer, subject). */
  async list(
    state: EscalationState | null,
    after: { kind: UrgentKind; insurer: string; subject: string } | null,
    limit: number,
    kind: UrgentKind | null = null,
  ): Promise<Escalation[]> {
    const rows = await this.db.query<EscalationRow[]>(
      `SELECT * FROM hazard_escalations
       WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2)
         AND ($3::text IS NULL OR (kind, insurer, subject) > ($3, $4, $5))
       ORDER BY kind, insurer, subject LIMIT $6`,
      [state, kind, after?.kind ?? null, after?.insurer ?? null, after?.subject ?? null, limit],
    );
    return rows.map(toEscalation);
  }
}
