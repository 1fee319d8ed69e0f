import type { FeedKind } from './view-kind';
import type { DataSource } from 'typeorm';
import type { DepartmentScope } from './department-scope';
import { DepartmentScopedRepository } from './department-scoped.repository';
import type { FeedEntryKind } from './dept-projection.writer';

/** One entry of a department's feed. */
export interface FeedEntry {
  seq: number;
  entry: FeedEntryKind;
  urgent: boolean;
  kind: FeedKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  /** The record as the department may see it when the entry was written (null for a withdrawal). */
  data: unknown;
  at: Date;
}

interface Row {
  seq: string;
  entry: FeedEntryKind;
  urgent: boolean;
  kind: FeedKind;
  insurer: string;
  subject: string;
  version: number;
  event_id: string;
  data: unknown;
  at: Date;
}

const toEntry = (r: Row): FeedEntry => ({
  seq: Number(r.seq),
  entry: r.entry,
  urgent: r.urgent,
  kind: r.kind,
  insurer: r.insurer,
  subject: r.subject,
  version: r.version,
  eventId: r.event_id,
  data: r.data,
  at: r.at,
});

const COLUMNS = 'f.seq, f.entry, f.urgent, f.kind, f.insurer, f.subject, f.version, f.event_id, p.data, f.at';
/** Entries with their payload (a withdrawal has none). */
const FEED = 'dept_feed f LEFT JOIN dept_payloads p ON p.payload_id = f.payload_id';

export interface FeedQuery {
  /** Entries after this sequence number. */
  after: number;
  limit: number;
  urgentOnly?: boolean;
  /** Sequence numbers above `after` already delivered (urgent entries that went ahead). */
  exclude?: readonly number[];
}

/**
 * A department's feed, read in short transactions (never held open between polls). On the API's connection the
 * database itself restricts the rows to the scope's department (row-level security); the SQL filter is defence
 * in depth and lets trusted code (the notifier) read on the service connection.
 */
export class DeptFeedRepository extends DepartmentScopedRepository {
  constructor(db: DataSource) {
    super(db);
  }

  page(scope: DepartmentScope, q: FeedQuery): Promise<FeedEntry[]> {
    return this.inScope(scope, async (tx, departmentId) => {
      const rows = await tx.query<Row[]>(
        `SELECT ${COLUMNS} FROM ${FEED}
         WHERE department_id = $1 AND seq > $2 AND ($3::boolean IS FALSE OR urgent)
           AND ($4::bigint[] IS NULL OR seq <> ALL($4))
         ORDER BY seq LIMIT $5`,
        [departmentId, q.after, q.urgentOnly ?? false, q.exclude?.length ? q.exclude : null, q.limit],
      );
      return rows.map(toEntry);
    });
  }

  /** Urgent entries above `after` and the entries right after it, read in one snapshot. */
  window(
    scope: DepartmentScope,
    after: number,
    exclude: readonly number[],
    limits: { urgent: number; inOrder: number },
  ): Promise<{ urgent: FeedEntry[]; inOrder: FeedEntry[] }> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query(`SELECT set_config('ajx.department_id', $1, true)`, [scope.departmentId]);
      const urgent =
        limits.urgent > 0
          ? await tx.query<Row[]>(
              `SELECT ${COLUMNS} FROM ${FEED}
               WHERE department_id = $1 AND seq > $2 AND urgent AND ($3::bigint[] IS NULL OR seq <> ALL($3))
               ORDER BY seq LIMIT $4`,
              [scope.departmentId, after, exclude.length ? exclude : null, limits.urgent],
            )
          : [];
      const inOrder = await tx.query<Row[]>(
        `SELECT ${COLUMNS} FROM ${FEED} WHERE f.department_id = $1 AND f.seq > $2 ORDER BY f.seq LIMIT $3`,
        [scope.departmentId, after, limits.inOrder],
      );
      return { urgent: urgent.map(toEntry), inOrder: inOrder.map(toEntry) };
    });
  }

  /** One entry by its sequence number. */
  at(scope: DepartmentScope, seq: number): Promise<FeedEntry | null> {
    return this.inScope(scope, async (tx, departmentId) => {
      const [row] = await tx.query<Row[]>(`SELECT ${COLUMNS} FROM ${FEED} WHERE f.department_id = $1 AND f.seq = $2`, [
        departmentId,
        seq,
      ]);
      return row ? toEntry(row) : null;
    });
  }

  /** The department's last sequence number (0 for an empty feed). */
  head(scope: DepartmentScope): Promise<number> {
    return this.inScope(scope, async (tx, departmentId) => {
      const [row] = await tx.query<{ seq: string | null }[]>(
        `SELECT max(seq) AS seq FROM dept_feed WHERE department_id = $1`,
        [departmentId],
      );
      return Number(row?.seq ?? 0);
    });
  }
}
