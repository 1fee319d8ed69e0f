import { Injectable } from '@nestjs/common';
import { jsonRows, returningRows } from '@ajx/persistence';
import { subjectOf, type SupervisedKind, type SupervisionInput } from '@ajx/supervision';
import { DataSource, type EntityManager } from 'typeorm';

/** A version of a record as the supervision service keeps it: what the rules read of it, and when it was accepted. */
export interface StoredVersion {
  insurer: string;
  kind: SupervisedKind;
  subject: string;
  version: number;
  uscc: string;
  input: SupervisionInput;
}

/** A version as stored, from the rules' input (its record names the insurer, subject, version and enterprise). */
export function storedVersionOf(input: SupervisionInput): StoredVersion {
  return {
    insurer: input.record.insurer,
    kind: input.kind,
    subject: subjectOf(input),
    version: input.record.version,
    uscc: input.record.enterprise.uscc,
    input,
  };
}

interface VersionDbRow {
  insurer: string;
  kind: SupervisedKind;
  subject: string;
  version: number;
  uscc: string;
  record: SupervisionInput['record'];
  accepted_at: string | null;
}

type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

const recordKey = (v: { insurer: string; kind: string; subject: string }) =>
  `${v.insurer}\u0000${v.kind}\u0000${v.subject}`;
const versionKey = (v: { insurer: string; kind: string; subject: string; version: number }) =>
  `${recordKey(v)}\u0000${v.version}`;

/** The distinct records of these versions, as a JSON parameter for `jsonb_to_recordset`. */
const recordsParameter = (versions: readonly StoredVersion[]) =>
  jsonRows(
    [...new Map(versions.map((v) => [recordKey(v), v])).values()].map((v) => ({
      insurer: v.insurer,
      kind: v.kind,
      subject: v.subject,
    })),
  );

/** A stored row as the rules read it: the record carries its insurer, subject, version and enterprise itself. */
const inputOf = (r: Pick<VersionDbRow, 'kind' | 'record' | 'accepted_at'>) =>
  ({ kind: r.kind, record: r.record, acceptedAt: r.accepted_at }) as SupervisionInput;

/**
 * `supervision_versions`: every version of every record the rules read, the first received of each (a version received
 * again changes nothing — SUPERVISION.md, Inputs), and `supervision_moved_records`: the records whose versions name
 * more than one enterprise, with each enterprise they name. The state of an enterprise is rebuilt from these rows
 * whenever it is evaluated, so the service holds nothing in memory between evaluations.
 */
@Injectable()
export class SupervisionVersionsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Inserts the versions not yet received and returns those that were new (the others were received before) with
   * every enterprise any version of their records names — the record's enterprise now and before: a new version that
   * moves a record to another enterprise changes the evaluation of both. A record whose versions name more than one
   * enterprise is kept in `supervision_moved_records` (what `inputsOf` finds it by from each of them).
   *
   * Call inside the transaction that evaluates (outside one, the locks end with each statement: a lone loader only):
   * the records are locked first (transaction-scoped advisory locks, in a fixed order), so two versions of one record
   * naming different enterprises — which travel on different partitions, the topic being keyed by enterprise — are
   * never stored by two transactions that cannot see each other.
   */
  async insertNew(
    tx: Queryable,
    versions: readonly StoredVersion[],
  ): Promise<{ fresh: StoredVersion[]; enterprises: string[] }> {
    if (!versions.length) return { fresh: [], enterprises: [] };
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('supervision-record:' || k, 0))
         FROM (SELECT DISTINCT insurer || '/' || kind || '/' || subject AS k
                 FROM jsonb_to_recordset($1::jsonb) AS r(insurer text, kind text, subject text) ORDER BY 1) s`,
      [recordsParameter(versions)],
    );
    const rows = versions.map((v) => ({
      insurer: v.insurer,
      kind: v.kind,
      subject: v.subject,
      version: v.version,
      uscc: v.uscc,
      rec: v.input.record,
      accepted_at: v.input.acceptedAt,
    }));
    const inserted = await returningRows<Pick<VersionDbRow, 'insurer' | 'kind' | 'subject' | 'version'>>(
      tx,
      `INSERT INTO supervision_versions (insurer, kind, subject, version, uscc, record, accepted_at)
       SELECT insurer, kind, subject, version, uscc, rec, accepted_at
         FROM jsonb_to_recordset($1::jsonb)
           AS r(insurer text, kind text, subject text, version int, uscc text, rec jsonb, accepted_at text)
       ON CONFLICT DO NOTHING
       RETURNING insurer, kind, subject, version`,
      [jsonRows(rows)],
    );
    const fresh = new Set(inserted.map(versionKey));
    const freshVersions = versions.filter((v) => fresh.has(versionKey(v)));
    if (!freshVersions.length) return { fresh: [], enterprises: [] };
    // Each record's versions by primary-key probes (OFFSET 0 keeps PostgreSQL from turning them into a scan of the
    // whole table when its statistics are off); records naming several enterprises are remembered as moved.
    const named = await tx.query<{ uscc: string }[]>(
      `WITH r AS (
         SELECT DISTINCT insurer, kind, subject
           FROM jsonb_to_recordset($1::jsonb) AS r(insurer text, kind text, subject text)
       ), e AS (
         SELECT DISTINCT r.insurer, r.kind, r.subject, v.uscc
           FROM r CROSS JOIN LATERAL (
             SELECT uscc FROM supervision_versions v
              WHERE v.insurer = r.insurer AND v.kind = r.kind AND v.subject = r.subject OFFSET 0) v
       ), moved AS (
         INSERT INTO supervision_moved_records (insurer, kind, subject, uscc)
         SELECT insurer, kind, subject, uscc FROM e
          WHERE (insurer, kind, subject) IN (SELECT insurer, kind, subject FROM e GROUP BY 1, 2, 3 HAVING count(*) > 1)
         ON CONFLICT DO NOTHING
       )
       SELECT DISTINCT uscc FROM e`,
      [recordsParameter(freshVersions)],
    );
    return { fresh: freshVersions, enterprises: named.map((r) => r.uscc) };
  }

  /**
   * Every version of every record that has (or had) a version in one of the enterprises, as the rules read it: what
   * their state is rebuilt from. A record whose latest version names another enterprise is placed there by the state
   * itself. Looked up by index probes per enterprise (and per moved record), never by a scan of the table: a full
   * evaluation reads every enterprise chunk by chunk, so a plan that scans the table per chunk would make it
   * quadratic in the deployment.
   */
  async inputsOf(tx: Queryable, usccs: readonly string[]): Promise<SupervisionInput[]> {
    if (!usccs.length) return [];
    const rows = await tx.query<Pick<VersionDbRow, 'kind' | 'record' | 'accepted_at'>[]>(
      `WITH u AS (SELECT DISTINCT unnest($1::text[]) AS uscc)
       SELECT v.kind, v.record, v.accepted_at
         FROM u CROSS JOIN LATERAL (
           SELECT * FROM supervision_versions v WHERE v.uscc = u.uscc OFFSET 0) v
       UNION ALL
       SELECT w.kind, w.record, w.accepted_at
         FROM (SELECT DISTINCT m.insurer, m.kind, m.subject
                 FROM u CROSS JOIN LATERAL (
                   SELECT insurer, kind, subject FROM supervision_moved_records m WHERE m.uscc = u.uscc OFFSET 0) m) r
        CROSS JOIN LATERAL (
           SELECT * FROM supervision_versions w
            WHERE w.insurer = r.insurer AND w.kind = r.kind AND w.subject = r.subject OFFSET 0) w
        WHERE w.uscc <> ALL($1::text[])`,
      [usccs],
    );
    return rows.map(inputOf);
  }

  /**
   * Lists every record whose versions name more than one enterprise that is not listed yet — a repair, run before
   * each full evaluation: versions stored by a supervisor of the previous release (during a rolling upgrade or after
   * a rollback) did not list their moves. One pass over the versions; returns how many entries were added.
   */
  async listMovedRecords(): Promise<number> {
    const rows = await returningRows<{ uscc: string }>(
      this.db,
      `INSERT INTO supervision_moved_records (insurer, kind, subject, uscc)
       SELECT DISTINCT v.insurer, v.kind, v.subject, v.uscc
         FROM supervision_versions v
         JOIN (SELECT insurer, kind, subject FROM supervision_versions
                GROUP BY 1, 2, 3 HAVING min(uscc) <> max(uscc)) m
           ON m.insurer = v.insurer AND m.kind = v.kind AND m.subject = v.subject
       ON CONFLICT DO NOTHING
       RETURNING uscc`,
      [],
    );
    return rows.length;
  }

  /** The enterprises named by records whose versions name more than one (moves are rare: the list is short). */
  async movedEnterprises(): Promise<string[]> {
    const rows = await this.db.query<{ uscc: string }[]>(`SELECT DISTINCT uscc FROM supervision_moved_records`);
    return rows.map((r) => r.uscc);
  }

  /** Every enterprise the service holds records of. */
  async enterprises(q: Queryable = this.db): Promise<string[]> {
    const rows = await q.query<{ uscc: string }[]>(`SELECT DISTINCT uscc FROM supervision_versions`);
    return rows.map((r) => r.uscc);
  }

  /**
   * The watermark of what a reader of every enterprise reads (reports): how many versions are held and the latest
   * acceptance among them. Read in the reader's transaction, it describes the same snapshot as its other reads.
   */
  async watermark(q: Queryable = this.db): Promise<{ versions: number; latestAcceptedAt: string | null }> {
    // accepted_at is RFC 3339 text with any offset: the latest instant, not the greatest string.
    const [r] = await q.query<{ n: string; latest: string | null }[]>(
      `SELECT count(*)::text AS n,
              (SELECT accepted_at FROM supervision_versions WHERE accepted_at IS NOT NULL
                ORDER BY accepted_at::timestamptz DESC LIMIT 1) AS latest
         FROM supervision_versions`,
    );
    return { versions: Number(r.n), latestAcceptedAt: r.latest };
  }

  /** Versions held (a figure for metrics and runs). */
  async count(): Promise<number> {
    const [r] = await this.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM supervision_versions`);
    return Number(r.n);
  }
}
