import { Injectable } from '@nestjs/common';
import { jsonRows, returningRows } from '@ajx/persistence';
import type { Finding, Severity } from '@ajx/supervision';
import { DataSource, type EntityManager } from 'typeorm';

export type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

export type FindingState = 'open' | 'resolved';
export type FindingReviewDecision = 'confirmed' | 'dismissed';
/** What happened to a finding: each change raises its version and is kept in its history. */
export type FindingChange = 'opened' | 'updated' | 'resolved' | 'reopened' | FindingReviewDecision;

export interface FindingReview {
  decision: FindingReviewDecision;
  reason: string;
  by: string;
  at: Date;
}

/** A finding as the hub keeps it: the rule's finding, its state, the departments' review and its version. */
export interface StoredFinding {
  findingId: string;
  rule: Finding['rule'];
  key: string;
  severity: Severity;
  /** The insurer the finding is attributed to (null: the enterprise). */
  insurer: string | null;
  uscc: string;
  regionCode: string;
  sector: string;
  facts: Record<string, unknown>;
  message: string;
  state: FindingState;
  openedAt: Date;
  resolvedAt: Date | null;
  /**
   * The Beijing date of the evaluation that last wrote the finding (a change, or a consumed batch that found it so);
   * what the API shows is `foundOn` (the runs since count too).
   */
  evaluatedOn: string;
  review: FindingReview | null;
  version: number;
  updatedAt: Date;
}

/**
 * The Beijing date a finding was last found so: the date of its row, or — for an open finding — the date of the last
 * evaluation run that finished, when later. A finished run found every open finding so on its date: a daily run does
 * not write the enterprises it did not evaluate (they come out the same on that date — ADR 0013), nor do the chunks
 * of a run rewrite every unchanged finding.
 */
export function foundOn(f: Pick<StoredFinding, 'state' | 'evaluatedOn'>, lastRunOn: string | null): string {
  return f.state === 'open' && lastRunOn !== null && lastRunOn > f.evaluatedOn ? lastRunOn : f.evaluatedOn;
}

export interface FindingHistoryEntry {
  version: number;
  change: FindingChange;
  at: Date;
  actor: string;
  state: FindingState;
  facts: Record<string, unknown>;
  message: string;
  reason: string | null;
}

/** What an evaluation compares a finding with: the finding as last found, and its state. */
export type FindingAsFound = Pick<
  StoredFinding,
  | 'findingId'
  | 'rule'
  | 'key'
  | 'severity'
  | 'insurer'
  | 'uscc'
  | 'regionCode'
  | 'sector'
  | 'facts'
  | 'message'
  | 'state'
>;

/** The columns of a `FindingAsFound` (timestamps and reviews are not parsed for every finding of a daily run). */
const AS_FOUND_COLUMNS = `finding_id AS "findingId", rule, key, severity, insurer, uscc, region AS "regionCode", sector,
  facts, message, state`;

/** One change an evaluation makes: the finding as now found (for `resolved`: as it was last found). */
export interface EvaluatedChange {
  findingId: string;
  change: 'opened' | 'updated' | 'resolved' | 'reopened';
  finding: Finding;
}

interface FindingDbRow {
  finding_id: string;
  rule: Finding['rule'];
  key: string;
  severity: Severity;
  insurer: string | null;
  uscc: string;
  region: string;
  sector: string;
  facts: Record<string, unknown>;
  message: string;
  state: FindingState;
  opened_at: Date;
  resolved_at: Date | null;
  evaluated_on: string | Date;
  review: FindingReviewDecision | null;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  version: number;
  updated_at: Date;
}

const dateText = (d: string | Date) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10));

export function storedFindingOf(r: FindingDbRow): StoredFinding {
  return {
    findingId: r.finding_id,
    rule: r.rule,
    key: r.key,
    severity: r.severity,
    insurer: r.insurer,
    uscc: r.uscc,
    regionCode: r.region,
    sector: r.sector,
    facts: r.facts,
    message: r.message,
    state: r.state,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    evaluatedOn: dateText(r.evaluated_on),
    review:
      r.review && r.reviewed_at
        ? { decision: r.review, reason: r.review_reason ?? '', by: r.reviewed_by ?? '', at: r.reviewed_at }
        : null,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

/** Filters of a list of findings; `after` pages by (updated_at, finding_id). */
export interface FindingListFilter {
  insurer?: string;
  rule?: string;
  state?: FindingState;
  region?: string;
  sector?: string;
  uscc?: string;
  since?: Date;
  after?: { updatedAt: Date; findingId: string };
  limit: number;
}

/** Findings by filter, least recently changed first (`after` pages forward). */
export async function listFindings(db: Queryable, filter: FindingListFilter): Promise<StoredFinding[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.insurer !== undefined) add('insurer = ?', filter.insurer);
  if (filter.rule !== undefined) add('rule = ?', filter.rule);
  if (filter.state !== undefined) add('state = ?', filter.state);
  if (filter.region !== undefined) add(`region LIKE ? || '%'`, filter.region);
  if (filter.sector !== undefined) add('sector = ?', filter.sector);
  if (filter.uscc !== undefined) add('uscc = ?', filter.uscc);
  if (filter.since !== undefined) add('updated_at >= ?', filter.since);
  if (filter.after) {
    params.push(filter.after.updatedAt, filter.after.findingId);
    where.push(`(updated_at, finding_id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(filter.limit);
  const rows = await db.query<FindingDbRow[]>(
    `SELECT * FROM supervision_findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY updated_at, finding_id LIMIT $${params.length}`,
    params,
  );
  return rows.map(storedFindingOf);
}

/** Confirmed findings of the given rules, attributed to an insurer, reviewed in a Beijing year within a region. */
export async function confirmedFindings(
  db: Queryable,
  rules: readonly string[],
  year: number,
  regionPrefix: string,
): Promise<StoredFinding[]> {
  const rows = await db.query<FindingDbRow[]>(
    `SELECT * FROM supervision_findings
      WHERE review = 'confirmed' AND rule = ANY($1::text[]) AND insurer IS NOT NULL
        AND extract(year FROM reviewed_at AT TIME ZONE 'Asia/Shanghai') = $2
        AND region LIKE $3 || '%'
      ORDER BY insurer, reviewed_at, finding_id`,
    [rules, year, regionPrefix],
  );
  return rows.map(storedFindingOf);
}

export async function findingById(db: Queryable, findingId: string): Promise<StoredFinding | null> {
  const rows = await db.query<FindingDbRow[]>(`SELECT * FROM supervision_findings WHERE finding_id = $1`, [findingId]);
  return rows[0] ? storedFindingOf(rows[0]) : null;
}

export async function findingHistory(db: Queryable, findingId: string): Promise<FindingHistoryEntry[]> {
  return db.query<FindingHistoryEntry[]>(
    `SELECT version, change, at, actor, state, facts, message, reason
       FROM supervision_finding_history WHERE finding_id = $1 ORDER BY version`,
    [findingId],
  );
}

/**
 * `supervision_findings` and `supervision_finding_history`: findings with their open → resolved (→ re-opened)
 * history and reviews. The table is its own outbox: every change raises `version`, and the publisher sends each
 * finding whose `published_version` is behind (docs/supervision.md, "The service").
 */
@Injectable()
export class SupervisionFindingsRepository {
  constructor(private readonly db: DataSource) {}

  /** Every enterprise with an open finding. */
  async enterprisesWithOpenFindings(): Promise<string[]> {
    const rows = await this.db.query<{ uscc: string }[]>(
      `SELECT DISTINCT uscc FROM supervision_findings WHERE state = 'open'`,
    );
    return rows.map((r) => r.uscc);
  }

  /** The stored findings with these ids (any state), as an evaluation compares them. */
  async byIds(tx: Queryable, ids: readonly string[]): Promise<Map<string, FindingAsFound>> {
    if (!ids.length) return new Map();
    // Probes by primary key: a start-up run looks up thousands per chunk in a table that grew from empty.
    const rows = await tx.query<FindingAsFound[]>(
      `SELECT f.* FROM (SELECT DISTINCT unnest($1::uuid[]) AS id) i
        CROSS JOIN LATERAL (
          SELECT ${AS_FOUND_COLUMNS} FROM supervision_findings f WHERE f.finding_id = i.id OFFSET 0) f`,
      [ids],
    );
    return new Map(rows.map((r) => [r.findingId, r]));
  }

  /** The open findings of these enterprises, as an evaluation compares them. */
  async openOf(tx: Queryable, usccs: readonly string[]): Promise<FindingAsFound[]> {
    if (!usccs.length) return [];
    // Index probes per enterprise (OFFSET 0 fences them), never a scan of every finding per chunk of a full evaluation.
    return tx.query<FindingAsFound[]>(
      `SELECT f.* FROM (SELECT DISTINCT unnest($1::text[]) AS uscc) u
        CROSS JOIN LATERAL (
          SELECT ${AS_FOUND_COLUMNS} FROM supervision_findings f
           WHERE f.uscc = u.uscc AND f.state = 'open' OFFSET 0) f`,
      [usccs],
    );
  }

  /**
   * Writes what an evaluation changed, each change raising the finding's version and adding a history entry.
   * `asOf` is the evaluation's date; `at` its time.
   */
  async applyEvaluation(
    tx: Queryable,
    changes: readonly EvaluatedChange[],
    asOf: string,
    at: Date,
    actor: string,
  ): Promise<void> {
    if (!changes.length) return;
    const rows = changes.map((c) => ({
      finding_id: c.findingId,
      change: c.change,
      rule: c.finding.rule,
      key: c.finding.key,
      severity: c.finding.severity,
      insurer: c.finding.insurer,
      uscc: c.finding.uscc,
      region: c.finding.regionCode,
      sector: c.finding.sector,
      facts: c.finding.facts,
      message: c.finding.message,
    }));
    const written = await returningRows<{ finding_id: string; version: number; state: FindingState; change: string }>(
      tx,
      `WITH c AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(
           finding_id uuid, change text, rule text, key text, severity text, insurer text, uscc text, region text,
           sector text, facts jsonb, message text)
       ), ins AS (
         INSERT INTO supervision_findings AS f
           (finding_id, rule, key, severity, insurer, uscc, region, sector, facts, message, state, opened_at,
            evaluated_on, updated_at)
         SELECT finding_id, rule, key, severity, insurer, uscc, region, sector, facts, message, 'open', $3, $2::date, $3
           FROM c WHERE change = 'opened'
         ON CONFLICT (finding_id) DO UPDATE
           SET severity = EXCLUDED.severity, insurer = EXCLUDED.insurer, uscc = EXCLUDED.uscc, region = EXCLUDED.region,
               sector = EXCLUDED.sector, facts = EXCLUDED.facts, message = EXCLUDED.message, state = 'open',
               opened_at = EXCLUDED.opened_at, resolved_at = NULL, evaluated_on = EXCLUDED.evaluated_on,
               version = f.version + 1, updated_at = EXCLUDED.updated_at
         RETURNING f.finding_id, f.version, f.state, 'opened'::text AS change
       ), upd AS (
         UPDATE supervision_findings f
            SET severity = c.severity, insurer = c.insurer, uscc = c.uscc, region = c.region, sector = c.sector,
                facts = c.facts, message = c.message,
                state = CASE WHEN c.change = 'resolved' THEN 'resolved' ELSE 'open' END,
                opened_at = CASE WHEN c.change = 'reopened' THEN $3 ELSE f.opened_at END,
                resolved_at = CASE WHEN c.change = 'resolved' THEN $3::timestamptz ELSE NULL END,
                evaluated_on = $2::date, version = f.version + 1, updated_at = $3
           FROM c
          WHERE f.finding_id = c.finding_id AND c.change <> 'opened'
         RETURNING f.finding_id, f.version, f.state, c.change
       )
       SELECT * FROM ins UNION ALL SELECT * FROM upd`,
      [jsonRows(rows), asOf, at],
    );
    const byId = new Map(rows.map((r) => [r.finding_id, r]));
    await tx.query(
      `INSERT INTO supervision_finding_history (finding_id, version, change, at, actor, state, facts, message)
       SELECT finding_id, version, change, $2, $3, state, facts, message
         FROM jsonb_to_recordset($1::jsonb)
           AS h(finding_id uuid, version int, change text, state text, facts jsonb, message text)`,
      [
        jsonRows(
          written.map((w) => ({
            finding_id: w.finding_id,
            version: w.version,
            change: w.change,
            state: w.state,
            facts: byId.get(w.finding_id)!.facts,
            message: byId.get(w.finding_id)!.message,
          })),
        ),
        at,
        actor,
      ],
    );
  }

  /** Keeps the evaluation date of findings that did not change (so readers know they were checked on that day). */
  async markEvaluated(tx: Queryable, usccs: readonly string[], asOf: string): Promise<void> {
    if (!usccs.length) return;
    await tx.query(
      `UPDATE supervision_findings SET evaluated_on = $2::date
        WHERE finding_id = ANY (ARRAY(
                SELECT o.finding_id FROM (SELECT DISTINCT unnest($1::text[]) AS uscc) u
                 CROSS JOIN LATERAL (
                   SELECT finding_id, evaluated_on FROM supervision_findings o
                    WHERE o.uscc = u.uscc AND o.state = 'open' OFFSET 0) o
                 WHERE o.evaluated_on <> $2::date))
          AND state = 'open'`,
      [usccs, asOf],
    );
  }

  /**
   * A department's confirmation or dismissal (with its reason). The finding's version rises, so the change reaches
   * every entitled department's feed. Returns the finding as it is now, or null when it does not exist.
   */
  async review(
    findingId: string,
    decision: FindingReviewDecision,
    reason: string,
    actor: string,
  ): Promise<StoredFinding | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await returningRows<FindingDbRow>(
        tx,
        `UPDATE supervision_findings
            SET review = $2, review_reason = $3, reviewed_by = $4, reviewed_at = now(),
                version = version + 1, updated_at = now()
          WHERE finding_id = $1
          RETURNING *`,
        [findingId, decision, reason, actor],
      );
      if (!row) return null;
      await tx.query(
        `INSERT INTO supervision_finding_history (finding_id, version, change, at, actor, state, facts, message, reason)
         VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8)`,
        [row.finding_id, row.version, decision, actor, row.state, row.facts, row.message, reason],
      );
      return storedFindingOf(row);
    });
  }

  find(findingId: string): Promise<StoredFinding | null> {
    return findingById(this.db, findingId);
  }

  history(findingId: string): Promise<FindingHistoryEntry[]> {
    return findingHistory(this.db, findingId);
  }

  /**
   * Findings in a jurisdiction (region prefix, sectors; none: all), by id after `afterId`, with the change of their
   * current version: a new department's re-projection of the findings changed before it existed.
   */
  async currentPage(
    scope: { regionPrefix?: string; sectors?: readonly string[] | null },
    afterId: string | null,
    limit: number,
  ): Promise<{ finding: StoredFinding; change: FindingChange }[]> {
    const rows = await this.db.query<(FindingDbRow & { last_change: FindingChange | null })[]>(
      `SELECT f.*, h.change AS last_change FROM supervision_findings f
       LEFT JOIN supervision_finding_history h ON h.finding_id = f.finding_id AND h.version = f.version
       WHERE ($1::text IS NULL OR f.region LIKE $1 || '%') AND ($2::text[] IS NULL OR f.sector = ANY($2))
         AND ($3::uuid IS NULL OR f.finding_id > $3::uuid)
       ORDER BY f.finding_id LIMIT $4`,
      [scope.regionPrefix ?? null, scope.sectors ?? null, afterId, limit],
    );
    return rows.map((r) => ({ finding: storedFindingOf(r), change: r.last_change ?? 'updated' }));
  }

  /** Findings whose latest version has not been published yet (the outbox). */
  async unpublished(limit: number): Promise<StoredFinding[]> {
    const rows = await this.db.query<FindingDbRow[]>(
      `SELECT * FROM supervision_findings WHERE published_version < version ORDER BY updated_at LIMIT $1`,
      [limit],
    );
    return rows.map(storedFindingOf);
  }

  /** What happened in each of these finding versions (from the history). */
  async lastChanges(versions: readonly { findingId: string; version: number }[]): Promise<Map<string, FindingChange>> {
    if (!versions.length) return new Map();
    const rows = await this.db.query<{ finding_id: string; change: FindingChange }[]>(
      `SELECT h.finding_id, h.change
         FROM supervision_finding_history h
         JOIN jsonb_to_recordset($1::jsonb) AS v(finding_id uuid, version int)
           ON h.finding_id = v.finding_id AND h.version = v.version`,
      [jsonRows(versions.map((v) => ({ finding_id: v.findingId, version: v.version })))],
    );
    return new Map(rows.map((r) => [r.finding_id, r.change]));
  }

  async markPublished(published: readonly { findingId: string; version: number }[]): Promise<void> {
    if (!published.length) return;
    await this.db.query(
      `UPDATE supervision_findings f SET published_version = GREATEST(f.published_version, p.version)
         FROM jsonb_to_recordset($1::jsonb) AS p(finding_id uuid, version int)
        WHERE f.finding_id = p.finding_id`,
      [jsonRows(published.map((p) => ({ finding_id: p.findingId, version: p.version })))],
    );
  }

  /** Confirmed findings of the given rules reviewed in a Beijing year within a region (trusted: reports). */
  confirmed(rules: readonly string[], year: number, regionPrefix = ''): Promise<StoredFinding[]> {
    return confirmedFindings(this.db, rules, year, regionPrefix);
  }
}
