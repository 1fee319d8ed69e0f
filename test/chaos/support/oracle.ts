import { createHash } from 'node:crypto';
import {
  type Department,
  type Entitlement,
  maskRecord,
  referenceEntitled,
  referenceUrgentPlan,
  type RulePack,
  type UrgentPlan,
} from '@ajx/authz';
import { type RecordOfKind, stableJson } from '@ajx/contracts';
import type { ExpectedEvent, LoadFile } from './load';

/** One comparison of the oracle with what the hub holds. */
export interface Check {
  check: string;
  expected: number;
  found: number;
  /** Expected but absent (sample). */
  missing: string[];
  /** Present but not expected, or present more than once (sample). */
  extra: string[];
}

/** Compares an expected set with a found multiset: equal means every expected key exactly once and nothing else. */
export function compare(check: string, expected: Iterable<string>, found: Iterable<string>): Check {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const k of found) seen.set(k, (seen.get(k) ?? 0) + 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const k of want) if (!seen.has(k)) missing.push(k);
  for (const [k, n] of seen) {
    if (!want.has(k)) extra.push(k);
    else if (n > 1) extra.push(`${k} ×${n}`);
  }
  let total = 0;
  for (const n of seen.values()) total += n;
  return { check, expected: want.size, found: total, missing: missing.slice(0, 5), extra: extra.slice(0, 5) };
}

export const ok = (c: Check) => c.missing.length === 0 && c.extra.length === 0 && c.expected === c.found;

export interface Escalation {
  /** kind|insurer|subject */
  key: string;
  /** Departments of the tiers after the first. */
  recipients: string[];
}

const recordKey = (e: Pick<ExpectedEvent, 'insurer' | 'kind' | 'subject'>) => `${e.kind}|${e.insurer}|${e.subject}`;

/** What the hub must hold after convergence, computed from the generator's expected outcomes and the rule pack. */
export class Oracle {
  readonly events: ExpectedEvent[];
  /** Latest version per record. */
  readonly latest = new Map<string, ExpectedEvent>();
  private readonly entitledCache = new Map<string, Entitlement[]>();
  private readonly planCache = new Map<string, UrgentPlan>();

  constructor(
    readonly files: LoadFile[],
    private readonly pack: RulePack,
    private readonly departments: Department[],
  ) {
    this.events = files.flatMap((f) => f.accepted);
    for (const e of this.events) {
      const k = recordKey(e);
      const cur = this.latest.get(k);
      if (!cur || cur.version < e.version) this.latest.set(k, e);
    }
  }

  entitled(e: ExpectedEvent): string[] {
    return this.entitlements(e).map((x) => x.departmentId);
  }

  /** The reference entitlements (department, personal and commercial visibility) to a record version. */
  entitlements(e: ExpectedEvent): Entitlement[] {
    const k = `${e.kind}|${e.region}|${e.sector}`;
    let ents = this.entitledCache.get(k);
    if (!ents) {
      ents = referenceEntitled(this.pack, this.departments, { kind: e.kind, regionCode: e.region, sector: e.sector });
      this.entitledCache.set(k, ents);
    }
    return ents;
  }

  /**
   * Content: the digest of what a department must hold of a version — the generator's record masked as the
   * reference entitlement says (never read from the hub's tables).
   */
  contentDigest(e: ExpectedEvent, ent: Entitlement): string {
    return contentDigestOf(maskRecord(e.kind, e.data as RecordOfKind[typeof e.kind], ent));
  }

  /** Every view row with its content: `department|record|event id|digest`. */
  viewContents(): string[] {
    const out: string[] = [];
    for (const e of this.latest.values())
      for (const ent of this.entitlements(e))
        out.push(`${ent.departmentId}|${recordKey(e)}|${e.eventId}|${this.contentDigest(e, ent)}`);
    return out;
  }

  /** Every feed entry of the departments not in `except` with its content: `department|event id|digest`. */
  feedContents(except: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const e of this.events)
      for (const ent of this.entitlements(e))
        if (!except.has(ent.departmentId)) out.push(`${ent.departmentId}|${e.eventId}|${this.contentDigest(e, ent)}`);
    return out;
  }

  /**
   * The content a department created during the load must hold for each of these feed entries (`department|event
   * id|digest`); entries of versions the oracle does not entitle it to are left out (and so found extra).
   */
  lateFeedContents(entries: readonly { d: string; e: string }[]): string[] {
    const byId = new Map(this.events.map((e) => [e.eventId, e]));
    const out: string[] = [];
    for (const { d, e } of entries) {
      const event = byId.get(e);
      const ent = event && this.entitlements(event).find((x) => x.departmentId === d);
      if (event && ent) out.push(`${d}|${e}|${this.contentDigest(event, ent)}`);
    }
    return out;
  }

  urgentPlan(e: ExpectedEvent): UrgentPlan {
    const k = `${e.kind}|${e.region}|${e.sector}`;
    let plan = this.planCache.get(k);
    if (!plan) {
      plan = referenceUrgentPlan(this.pack, this.departments, { kind: e.kind, regionCode: e.region, sector: e.sector });
      this.planCache.set(k, plan);
    }
    return plan;
  }

  eventIds(): string[] {
    return this.events.map((e) => e.eventId);
  }

  latestRecords(): string[] {
    return [...this.latest.values()].map((e) => `${recordKey(e)}|${e.version}|${e.eventId}`);
  }

  /** Every department entitled to a record holds its latest version once. */
  viewRows(): string[] {
    const out: string[] = [];
    for (const e of this.latest.values())
      for (const d of this.entitled(e)) out.push(`${d}|${recordKey(e)}|${e.eventId}`);
    return out;
  }

  /** Every version reaches each entitled department's feed once (as `new`, then `updated`). */
  feedEntries(): string[] {
    const out: string[] = [];
    for (const e of this.events) for (const d of this.entitled(e)) out.push(`${d}|${e.eventId}`);
    return out;
  }

  /** A department created during the load: one (valid) history per record it is entitled to, ending at the latest. */
  lateFeedExpected(departments: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const e of this.latest.values())
      for (const d of this.entitled(e)) if (departments.has(d)) out.push(`${d}|${recordKey(e)}|${e.eventId}`);
    return out;
  }

  /**
   * What such a department's feed (in seq order) says per record: `department|record|last event id` when its entries
   * are every version of the record the load accepted from the first one it got to the latest — none skipped, none
   * twice, in order — `new` first and `updated` after; otherwise a line saying what is wrong. Which version it starts
   * at depends on the moment it was created (the version live routing had routed when its re-projection read the
   * record, or the first one routed after it was queued); from there on it gets every one (docs/reliability.md).
   */
  lateFeedFound(
    entries: readonly {
      d: string;
      kind: string;
      insurer: string;
      subject: string;
      version: number;
      e: string;
      entry: string;
    }[],
  ): string[] {
    // Per department and record: the event ids of the versions it is entitled to, in version order.
    const versionsOf = new Map<string, ExpectedEvent[]>();
    for (const e of this.events) {
      for (const d of this.entitled(e)) {
        const k = `${d}|${recordKey(e)}`;
        const list = versionsOf.get(k);
        if (list) list.push(e);
        else versionsOf.set(k, [e]);
      }
    }
    for (const list of versionsOf.values()) list.sort((a, b) => a.version - b.version);
    const histories = new Map<string, typeof entries>();
    for (const x of entries) {
      const k = `${x.d}|${x.kind}|${x.insurer}|${x.subject}`;
      histories.set(k, [...(histories.get(k) ?? []), x]);
    }
    const out: string[] = [];
    for (const [k, h] of histories) {
      const tail = (versionsOf.get(k) ?? []).slice(-h.length).map((e) => e.eventId);
      const valid =
        tail.length === h.length && h.every((x, i) => x.e === tail[i] && x.entry === (i === 0 ? 'new' : 'updated'));
      out.push(
        valid ? `${k}|${h[h.length - 1].e}` : `${k} invalid: ${h.map((x) => `${x.entry} v${x.version}`).join(', ')}`,
      );
    }
    return out;
  }

  /** The versions department `d` must receive (by its feed, webhook): `kind|insurer|subject|version|event id`. */
  versionsFor(d: string): string[] {
    return this.events
      .filter((e) => this.entitled(e).includes(d))
      .map((e) => `${recordKey(e)}|${e.version}|${e.eventId}`);
  }

  provinceEvents(province: string): string[] {
    return this.events.filter((e) => e.region.startsWith(province)).map((e) => e.eventId);
  }

  rejects(batchIds: Map<string, string>): string[] {
    return this.files.flatMap((f) => f.rejects.map((r) => `${batchIds.get(f.file)}|${r.recordIndex}|${r.code}`));
  }

  /**
   * The urgent lane, unacknowledged: each urgent record (major hazard, urgent accident) still open at its latest
   * version escalates through every later tier that has departments, each of them getting one `escalated` entry, and
   * ends `exhausted`. One settled later (a hazard rectified, an accident closed) may have been closed before or after
   * some escalations: at most one entry per department, only to departments of its later tiers, and it is not left
   * open.
   */
  escalations(): { open: Escalation[]; rectified: Escalation[] } {
    const open: Escalation[] = [];
    const rectified: Escalation[] = [];
    for (const e of this.latest.values()) {
      if (!e.urgent) continue;
      const plan = this.urgentPlan(e);
      const tiers = [plan.county, plan.city, plan.province].filter((t) => t.length > 0);
      const recipients = tiers.slice(1).flat();
      const key = `${e.kind}|${e.insurer}|${e.subject}`;
      if (tiers.length) (e.settled ? rectified : open).push({ key, recipients });
    }
    return { open, rectified };
  }
}

/** A content digest both sides compute the same way: SHA-1 of the stable JSON (sorted keys). */
export function contentDigestOf(data: unknown): string {
  return createHash('sha1').update(stableJson(data)).digest('hex');
}
