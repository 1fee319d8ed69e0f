import { copyRows, jsonRows, returningRows } from '@ajx/persistence';
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

export async function insertFeedEntries(tx: EntityManager, es: readonly FeedInsert[]): Promise<void> {
  if (!es.length) return;
  await tx.query(
    `INSERT INTO dept_feed (department_id, seq, entry, urgent, kind, insurer, subject, version, event_id, payload_id, accepted_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(department_id text, seq bigint, entry text, urgent boolean,
       kind text, insurer text, subject text, version int, event_id uuid, payload_id uuid, accepted_at timestamptz)`,
    [
      jsonRows(
        es.map((e) => ({
          department_id: e.departmentId,
          seq: e.seq,
          entry: e.entry,
          urgent: e.urgent,
          kind: e.kind,
          insurer: e.insurer,
          subject: e.subject,
          version: e.version,
          event_id: e.eventId,
          payload_id: e.payloadId,
          accepted_at: e.acceptedAt,
        })),
      ),
    ],
  );
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

/** The same as {@link insertFeedEntries} through `COPY` (the router's bulk path; a transaction's own connection). */
export async function copyFeedEntries(tx: EntityManager, es: readonly FeedInsert[]): Promise<void> {
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
