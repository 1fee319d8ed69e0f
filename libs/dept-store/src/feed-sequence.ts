import { copyRows, returningRows } from '@ajx/persistence';
import type { EntityManager } from 'typeorm';

/** Channel of the wake-up hint sent (at commit) whenever departments' feeds grow. */
export const FEED_CHANNEL = 'ajx_dept_feed';

/**
 * Feed sequence numbers for one entry per element of `departmentIds` (index-aligned), taken under each
 * department's counter row lock, locks in department-id order (writers cannot deadlock on them). Call it as the
 * last step before inserting the entries: the lock is held until commit, so a department's entries become
 * visible in sequence order and a reader of `seq > cursor` never skips one that commits late.
 */
export async function takeFeedSequences(tx: EntityManager, departmentIds: readonly string[]): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const d of departmentIds) counts.set(d, (counts.get(d) ?? 0) + 1);
  const ids = [...counts.keys()].sort();
  if (!ids.length) return [];
  // One statement: a new department's counter starts here; rows are locked in department-id order (the SELECT's).
  const rows = await returningRows<{ department_id: string; last_seq: string }>(
    tx,
    `INSERT INTO dept_counters AS c (department_id, last_seq)
     SELECT department_id, count FROM unnest($1::text[], $2::bigint[]) AS n(department_id, count) ORDER BY department_id
     ON CONFLICT (department_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
     RETURNING c.department_id, c.last_seq`,
    [ids, ids.map((id) => counts.get(id)!)],
  );
  const next = new Map<string, bigint>();
  for (const r of rows) next.set(r.department_id, BigInt(r.last_seq) - BigInt(counts.get(r.department_id)!));
  return departmentIds.map((d) => {
    const n = next.get(d)! + 1n;
    next.set(d, n);
    return n.toString();
  });
}

/** Wakes feed readers (streams, the notifier) of these departments once the transaction commits. */
export async function notifyFeed(tx: EntityManager, departmentIds: readonly string[]): Promise<void> {
  const ids = [...new Set(departmentIds)].sort();
  if (!ids.length) return;
  // NOTIFY payloads are limited to 8000 bytes: beyond that, wake everyone.
  const payload = JSON.stringify(ids);
  await tx.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, payload.length < 7900 ? payload : '*']);
}

/** One feed entry to insert, its sequence number already taken. */
export interface FeedInsert {
  departmentId: string;
  seq: string;
  entry: string;
  urgent: boolean;
  kind: string;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  /** The masked record's payload (null for a withdrawal). */
  payloadId: string | null;
  acceptedAt: Date | null;
}

const FEED_COLUMNS = [
  'department_id',
  'seq',
  'entry',
  'urgent',
  'kind',
  'insurer',
  'subject',
  'version',
  'event_id',
  'payload_id',
  'accepted_at',
];

/** Inserts feed entries by `COPY`, on the transaction's own connection (every feed writer: ADR 0011). */
export async function insertFeedEntries(tx: EntityManager, es: readonly FeedInsert[]): Promise<void> {
  await copyRows(
    tx,
    'dept_feed',
    FEED_COLUMNS,
    es.map((e) => [
      e.departmentId,
      e.seq,
      e.entry,
      e.urgent,
      e.kind,
      e.insurer,
      e.subject,
      e.version,
      e.eventId,
      e.payloadId,
      e.acceptedAt,
    ]),
  );
}
