import { copyRows, returningRows } from '@ajx/persistence';
import type { ViewKind } from './view-kind';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { copyNewPayloads, type Payload, payloadOf } from './dept-payload';
import { insertFeedEntries, notifyFeed, takeFeedSequences } from './feed-sequence';
import { type Urgency, writeUrgencies } from './urgent-escalation.repository';

export type FeedEntryType = 'new' | 'updated' | 'corrected' | 'withdrawn';
/** What a feed entry says: a change of the view, or (urgent lane) that an urgent record was escalated to the department. */
export type FeedEntryKind = FeedEntryType | 'escalated';

/** One change to one department's view of one record. */
export interface ViewChange {
  departmentId: string;
  entry: FeedEntryType;
  urgent: boolean;
  kind: ViewKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  /** The masked record (null for a withdrawal). */
  data: unknown;
  action: string;
  uscc: string;
  region: string;
  sector: string;
  status: string | null;
  level: string | null;
  businessTime: string;
  /** The business date a department filters a period by (accident occurredAt, claim filedAt); none for other kinds. */
  recordTime?: string | null;
  acceptedAt: Date | null;
}

export interface RecordKey {
  kind: ViewKind;
  insurer: string;
  subject: string;
}

export interface Holding {
  departmentId: string;
  version: number;
  eventId: string;
}

export interface RoutedVersion {
  version: number;
  eventId: string;
}

/** A version the router routes live: recorded in `route_records`, so it is applied once. */
export interface RoutedWrite extends RecordKey, RoutedVersion {
  /** A correction replaces the same version (from an operator replay). */
  correction?: boolean;
}

/**
 * The plan was made from a `route_records` snapshot that another writer moved on before this transaction could record
 * its versions (a second handler of the same messages: a router killed with its last transaction still committing, or
 * a partition handed back while a handler was still retrying). Nothing is written; the slice is planned again.
 */
export class StaleRoutingError extends Error {
  override readonly name = 'StaleRoutingError';
}

/**
 * Live routing planned with a directory that misses a department created since (its re-projection job is newer than
 * the directory): nothing is written; the router reads the directory again and plans the slice again.
 */
export class StaleDirectoryError extends Error {
  override readonly name = 'StaleDirectoryError';
}

/**
 * A re-projection needs a version live routing has already routed that the canonical store does not hold yet (the
 * normaliser writes the store just after it publishes): nothing is written; the page is projected again later, once
 * the store caught up.
 */
export class StoreBehindRoutingError extends Error {
  override readonly name = 'StoreBehindRoutingError';
}

/**
 * Live routing routed records of a re-projection page since the page was planned (their `route_records` row is not
 * the one the plan was made from): nothing is written; the re-projection plans those records again (`moved`: their
 * {@link recordKeyOf} keys).
 */
export class RoutingMovedError extends Error {
  override readonly name = 'RoutingMovedError';
  constructor(readonly moved: readonly string[]) {
    super(`${moved.length} records were routed live since the re-projection planned them`);
  }
}

/**
 * A record of a re-projection page and what live routing had routed of it when the page was planned (null: nothing
 * yet). The re-projection projects each record only up to that version and leaves later ones to live routing.
 */
export interface PlannedHandOver extends RecordKey {
  routed: RoutedVersion | null;
}

/** The directory a live slice was planned with: the newest projection job it knew of and its departments. */
export interface DirectoryGeneration {
  lastJobId: string;
  departmentIds: readonly string[];
}

export interface ApplyOptions {
  /** Live routing: refuse to write (StaleDirectoryError) if a department unknown to this directory was queued since. */
  directory?: DirectoryGeneration;
  /**
   * Re-projection: every record of the page (those it writes nothing for too) with what live routing had routed of it
   * when the page was planned; refuse to write (RoutingMovedError) if live routing moved any of them since.
   */
  reprojection?: readonly PlannedHandOver[];
}

/** Advisory lock namespace (first key) of the per-record lock live routing and re-projection both take. */
const RECORD_LOCK_NAMESPACE = 0x414a5852; // 'AJXR'

export const recordKeyOf = (k: RecordKey) => `${k.kind}\u0000${k.insurer}\u0000${k.subject}`;

/**
 * The changes that are still upward against what the departments hold now (read under the records' locks): a
 * version a department already holds (or a newer one) is dropped, an entry says what it is now (`new` where the
 * department holds nothing, `updated` over an older version), a withdrawal of something no longer held is dropped.
 * This is what makes live routing and a re-projection running at once exact: each department's feed gets every
 * version at most once and never an older one after a newer (docs/reliability.md).
 */
export function upwardChanges(
  changes: readonly ViewChange[],
  held: ReadonlyMap<string, { version: number }>,
): ViewChange[] {
  const now = new Map(held);
  const out: ViewChange[] = [];
  for (const c of changes) {
    const pair = `${c.departmentId}\u0000${recordKeyOf(c)}`;
    const h = now.get(pair);
    if (c.entry === 'withdrawn') {
      if (!h || h.version > c.version) continue;
      now.delete(pair);
      out.push(c);
      continue;
    }
    if (h && (h.version > c.version || (h.version === c.version && c.entry !== 'corrected'))) continue;
    const entry = !h ? 'new' : h.version === c.version ? 'corrected' : 'updated';
    now.set(pair, { version: c.version });
    out.push(entry === c.entry ? c : { ...c, entry });
  }
  return out;
}

/**
 * Write side of department views and feeds (router and re-projection, on the service's own connection).
 *
 * Each department's feed sequence is taken under its counter row lock as the last step of the transaction, locks
 * taken in department-id order (no deadlocks between concurrent writers): a department's feed becomes visible in
 * commit order and its cursor never skips an entry that commits late.
 */
@Injectable()
export class DeptProjectionWriter {
  constructor(private readonly db: DataSource) {}

  /**
   * Moves every department's feed counter `by` ahead (`ajx restore`): entries issued after the backup, lost with it,
   * are issued again above any cursor a department may hold, so no cursor skips them. A department with no counter at
   * the backup may have had its first entries after it (lost too): its counter starts `by` ahead as well.
   */
  async skipFeedSequences(by: bigint, departmentIds: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE dept_counters SET last_seq = last_seq + $1`, [String(by)]);
      await tx.query(
        `INSERT INTO dept_counters (department_id, last_seq) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
        [departmentIds, String(by)],
      );
    });
  }

  /** What the router already routed, per record. */
  async routed(keys: readonly RecordKey[]): Promise<Map<string, RoutedVersion>> {
    return readRouted(this.db, keys);
  }

  /**
   * The transactions in progress now that have an id (every live routing has one from its directory check on): what
   * a re-projection starting now waits for ({@link transactionsEnded}).
   */
  async transactionsInProgress(): Promise<string[]> {
    const rows = await this.db.query<{ xid: string }[]>(
      `SELECT x::text AS xid FROM pg_snapshot_xip(pg_current_snapshot()) AS x`,
    );
    return rows.map((r) => r.xid);
  }

  /** Whether every one of these transactions has ended (committed or rolled back). */
  async transactionsEnded(xids: readonly string[]): Promise<boolean> {
    if (!xids.length) return true;
    const [r] = await this.db.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM unnest($1::xid8[]) AS x WHERE pg_xact_status(x) = 'in progress'`,
      [xids],
    );
    return r.open === 0;
  }

  /**
   * What live routing has routed of these kinds, page by page in key order from `after` (the last key of the previous
   * page; `null` for the first). A re-projection reads it to wait for records routed ahead of the canonical store
   * (`ReprojectionService`).
   */
  async routedPage(
    kinds: readonly string[],
    after: RecordKey | null,
    limit: number,
  ): Promise<(RecordKey & RoutedVersion)[]> {
    if (!kinds.length) return [];
    const rows = await this.db.query<
      { kind: ViewKind; insurer: string; subject: string; version: number; event_id: string }[]
    >(
      `SELECT kind, insurer, subject, version, event_id FROM route_records
       WHERE kind = ANY($1::text[]) AND ($2::text IS NULL OR (kind, insurer, subject) > ($2, $3, $4))
       ORDER BY kind, insurer, subject LIMIT $5`,
      [kinds, after?.kind ?? null, after?.insurer ?? null, after?.subject ?? null, limit],
    );
    return rows.map((r) => ({
      kind: r.kind,
      insurer: r.insurer,
      subject: r.subject,
      version: r.version,
      eventId: r.event_id,
    }));
  }

  /**
   * Which departments hold which version of each record now. Every lookup by a slice's records is an index probe per
   * record: `CROSS JOIN LATERAL (… OFFSET 0)` — the `OFFSET 0` keeps the planner from flattening the subquery into a
   * join, which on a table whose statistics are missing or stale it planned as a sort-merge or hash join over a
   * sequential scan of the whole table (ADR 0011; `test/integration/router/record-lookups`).
   */
  async holdings(keys: readonly RecordKey[]): Promise<Map<string, Map<string, Holding>>> {
    const out = new Map<string, Map<string, Holding>>();
    if (!keys.length) return out;
    const rows = await this.db.query<
      { department_id: string; kind: ViewKind; insurer: string; subject: string; version: number; event_id: string }[]
    >(HOLDINGS_SQL, holdingsParameters(keys));
    for (const r of rows) {
      const key = recordKeyOf(r);
      let m = out.get(key);
      if (!m) out.set(key, (m = new Map<string, Holding>()));
      m.set(r.department_id, { departmentId: r.department_id, version: r.version, eventId: r.event_id });
    }
    return out;
  }

  /**
   * Applies the changes, the routed versions and the urgent-lane state in one transaction. View rows hold
   * the final state per (department, record); every change becomes one feed entry, in order.
   */
  async apply(
    planned: readonly ViewChange[],
    routed: readonly RoutedWrite[],
    urgencies: readonly Urgency[] = [],
    options: ApplyOptions = {},
  ): Promise<ViewChange[]> {
    const handOver = options.reprojection ?? [];
    if (!planned.length && !routed.length && !urgencies.length && !handOver.length) return [];
    return this.db.transaction(async (tx) => {
      // Every writer of a record's views (live routing, re-projection) takes its lock first, in one order.
      await lockRecords(tx, [...planned, ...routed, ...handOver]);
      if (options.directory) await this.checkDirectory(tx, options.directory);
      if (handOver.length) await checkRoutedAsPlanned(tx, handOver);
      // First, and authoritative: the versions are recorded only if no one recorded them (or newer ones) meanwhile —
      // the check the plan was made with ran outside this transaction.
      if (routed.length) await this.upsertRouted(tx, routed);
      // Escalation rows are locked before the counters, as the notifier does: no lock-order deadlock between them.
      if (urgencies.length) await writeUrgencies(tx, urgencies);
      if (!planned.length) return [];
      // The plan was made from holdings read before the locks: keep what is still upward now.
      const held = await this.heldNow(tx, planned);
      const changes = upwardChanges(planned, held);
      if (!changes.length) return [];
      const finals = new Map<string, ViewChange>();
      for (const change of changes) finals.set(`${change.departmentId}\u0000${recordKeyOf(change)}`, change);
      const ordered = [...finals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // One payload per distinct masked content (the planner shares one object per mask class of an event).
      const payloads = new Map<unknown, Payload>();
      const payloadIdOf = (c: ViewChange): string | null => {
        if (c.entry === 'withdrawn' || c.data === null) return null;
        let p = payloads.get(c.data);
        if (!p) payloads.set(c.data, (p = payloadOf(c.data)));
        return p.payloadId;
      };
      const payloadIds = changes.map(payloadIdOf);
      await copyNewPayloads(tx, payloads.values());
      // A view row is replaced rather than updated (every update rewrites the row and all its indexes anyway, as
      // `updated_at` is indexed): the rows the departments hold of these records go, the final rows come in by COPY.
      // Both happen under the records' locks, so no other writer of these rows runs in between.
      const replaced = ordered.filter(([pair]) => held.has(pair)).map(([, c]) => c);
      if (replaced.length) await this.deleteViews(tx, replaced);
      const upserts = ordered.map(([, c]) => c).filter((c) => c.entry !== 'withdrawn');
      if (upserts.length) await this.copyViews(tx, upserts, payloadIdOf);
      // Last: the counter locks are held from here to the commit only.
      const seqs = await takeFeedSequences(
        tx,
        changes.map((c) => c.departmentId),
      );
      await insertFeedEntries(
        tx,
        changes.map((c, i) => ({
          departmentId: c.departmentId,
          seq: seqs[i],
          entry: c.entry,
          urgent: c.urgent,
          kind: c.kind,
          insurer: c.insurer,
          subject: c.subject,
          version: c.version,
          eventId: c.eventId,
          payloadId: payloadIds[i],
          acceptedAt: c.acceptedAt,
        })),
      );
      await notifyFeed(
        tx,
        changes.map((c) => c.departmentId),
      );
      return changes;
    });
  }

  /** What the departments of these changes hold of their records, read inside the transaction (under the locks). */
  private async heldNow(tx: EntityManager, changes: readonly ViewChange[]): Promise<Map<string, { version: number }>> {
    // By record (a few hundred probes of dept_views_record, each finding its few departments), not by
    // (department, record) pair: thousands of probes per slice, 6.4 s against 0.06 s of PostgreSQL per 20,000
    // records in the benchmark.
    const records = new Map<string, RecordKey>();
    for (const c of changes) records.set(recordKeyOf(c), c);
    const rows = await tx.query<
      { department_id: string; kind: ViewKind; insurer: string; subject: string; version: number }[]
    >(HOLDINGS_SQL, holdingsParameters([...records.values()]));
    return new Map(rows.map((r) => [`${r.department_id}\u0000${recordKeyOf(r)}`, { version: r.version }]));
  }

  /** Live routing: a department queued for re-projection since the directory was read must be routed to as well. */
  private async checkDirectory(tx: EntityManager, d: DirectoryGeneration): Promise<void> {
    // The transaction takes its id before it checks: a re-projection that starts after a job was queued waits for
    // every transaction then in progress (`transactionsInProgress`), so for every routing that checked the directory
    // before the job — it may commit after the job, without the job's department.
    const [row] = await tx.query<{ department_id: string | null }[]>(
      `SELECT pg_current_xact_id() IS NOT NULL AS xid,
              (SELECT department_id FROM projection_jobs
               WHERE id > $1::bigint AND department_id IS NOT NULL AND NOT (department_id = ANY($2::text[]))
               LIMIT 1) AS department_id`,
      [d.lastJobId, d.departmentIds],
    );
    if (row.department_id !== null) {
      throw new StaleDirectoryError(`department ${row.department_id} was added since the directory was read`);
    }
  }

  private async upsertRouted(tx: EntityManager, routed: readonly RoutedWrite[]): Promise<void> {
    const keyOf = (r: RecordKey) => `${r.kind}|${r.insurer}|${r.subject}`;
    const corrections = routed.filter((r) => r.correction).map((r) => `${keyOf(r)}|${r.version}`);
    const advanced = await returningRows<{ kind: string }>(
      tx,
      `INSERT INTO route_records AS r (kind, insurer, subject, version, event_id)
       SELECT DISTINCT ON (kind, insurer, subject) * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::uuid[])
         AS t(kind, insurer, subject, version, event_id) ORDER BY kind, insurer, subject, version DESC
       ON CONFLICT (kind, insurer, subject) DO UPDATE SET version = EXCLUDED.version, event_id = EXCLUDED.event_id,
         routed_at = now()
       WHERE r.version < EXCLUDED.version OR (r.version = EXCLUDED.version
         AND EXCLUDED.kind || '|' || EXCLUDED.insurer || '|' || EXCLUDED.subject || '|' || EXCLUDED.version = ANY($6::text[]))
       RETURNING r.kind`,
      [
        routed.map((r) => r.kind),
        routed.map((r) => r.insurer),
        routed.map((r) => r.subject),
        routed.map((r) => r.version),
        routed.map((r) => r.eventId),
        corrections,
      ],
    );
    const keys = new Set(routed.map(keyOf)).size;
    if (advanced.length < keys) {
      throw new StaleRoutingError(
        `${keys - advanced.length} of ${keys} records were routed by another writer since this slice was planned`,
      );
    }
  }

  private async deleteViews(tx: EntityManager, ws: readonly ViewChange[]): Promise<void> {
    await tx.query(
      `DELETE FROM dept_views v USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(department_id, kind, insurer, subject)
       WHERE v.department_id = d.department_id AND v.kind = d.kind AND v.insurer = d.insurer AND v.subject = d.subject`,
      [ws.map((w) => w.departmentId), ws.map((w) => w.kind), ws.map((w) => w.insurer), ws.map((w) => w.subject)],
    );
  }

  private async copyViews(
    tx: EntityManager,
    us: readonly ViewChange[],
    payloadIdOf: (c: ViewChange) => string | null,
  ): Promise<void> {
    await copyRows(
      tx,
      'dept_views',
      VIEW_COLUMNS,
      us.map((u) => [
        u.departmentId,
        u.kind,
        u.insurer,
        u.subject,
        u.version,
        u.eventId,
        u.action,
        u.uscc,
        u.region,
        u.sector,
        u.status,
        u.level,
        u.urgent,
        payloadIdOf(u),
        u.businessTime,
        u.recordTime ?? null,
      ]),
    );
  }
}

/** What departments hold of each record: one index probe of `dept_views_record` per record (see holdings()). */
const HOLDINGS_SQL = `SELECT v.department_id, v.kind, v.insurer, v.subject, v.version, v.event_id
  FROM unnest($1::text[], $2::text[], $3::text[]) AS k(kind, insurer, subject)
  CROSS JOIN LATERAL (SELECT * FROM dept_views v
    WHERE v.kind = k.kind AND v.insurer = k.insurer AND v.subject = k.subject OFFSET 0) v`;

const holdingsParameters = (keys: readonly RecordKey[]) => [
  keys.map((k) => k.kind),
  keys.map((k) => k.insurer),
  keys.map((k) => k.subject),
];

const VIEW_COLUMNS = [
  'department_id',
  'kind',
  'insurer',
  'subject',
  'version',
  'event_id',
  'action',
  'uscc',
  'region',
  'sector',
  'status',
  'level',
  'urgent',
  'payload_id',
  'business_time',
  'record_time',
];

/**
 * Takes the transaction-scoped lock of each record, in one global order (no deadlock between writers): live routing
 * and re-projection of one record wait for each other, so each plans its writes against the other's committed ones.
 */
async function lockRecords(tx: EntityManager, keys: readonly RecordKey[]): Promise<void> {
  if (!keys.length) return;
  await tx.query(
    `SELECT count(pg_advisory_xact_lock($2, h)) FROM (
       SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h OFFSET 0) AS ordered`,
    [[...new Set(keys.map((k) => `${k.kind}|${k.insurer}|${k.subject}`))], RECORD_LOCK_NAMESPACE],
  );
}

/** What live routing has routed of each record (`route_records`): version and event id, by {@link recordKeyOf}. */
async function readRouted(
  q: Pick<EntityManager, 'query'>,
  keys: readonly RecordKey[],
): Promise<Map<string, RoutedVersion>> {
  const out = new Map<string, RoutedVersion>();
  if (!keys.length) return out;
  const rows = await q.query<{ kind: ViewKind; insurer: string; subject: string; version: number; event_id: string }[]>(
    `SELECT r.kind, r.insurer, r.subject, r.version, r.event_id
     FROM unnest($1::text[], $2::text[], $3::text[]) AS k(kind, insurer, subject)
     CROSS JOIN LATERAL (SELECT * FROM route_records r
       WHERE r.kind = k.kind AND r.insurer = k.insurer AND r.subject = k.subject OFFSET 0) r`,
    [keys.map((k) => k.kind), keys.map((k) => k.insurer), keys.map((k) => k.subject)],
  );
  for (const r of rows) out.set(recordKeyOf(r), { version: r.version, eventId: r.event_id });
  return out;
}

/**
 * Re-projection, under the records' locks: live routing must still be where the page was planned from. The page then
 * hands over exactly: a record live routing routed up to version r is projected at r, one it has not routed gets
 * nothing, and every later version is routed live to the department too (the directory check) — its feed misses no
 * version routed since its job was queued (docs/reliability.md, "A department created during the load").
 */
async function checkRoutedAsPlanned(tx: EntityManager, planned: readonly PlannedHandOver[]): Promise<void> {
  const now = await readRouted(tx, planned);
  const moved = planned
    .filter((p) => {
      const r = now.get(recordKeyOf(p));
      return r?.version !== p.routed?.version || r?.eventId !== p.routed?.eventId;
    })
    .map(recordKeyOf);
  if (moved.length) throw new RoutingMovedError(moved);
}
