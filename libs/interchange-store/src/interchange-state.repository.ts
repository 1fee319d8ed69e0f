import type { BatchAck, BatchMode, DailyManifest, ManifestVerdict } from '@ajx/interchange-protocol';
import { Inject, Injectable } from '@nestjs/common';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { returningRows, type Queryable, type TransactionalQueryable } from '@ajx/persistence';
import { DataSource } from 'typeorm';

export interface EndpointState {
  endpointId: string;
  province: string;
  /** Highest seq of the province's push stream the province has acknowledged (everything up to it is delivered). */
  watermark: number;
  /** A scheduled run in progress: send everything up to this seq. */
  scheduledTarget: number | null;
  manifestsRequestedAt: Date | null;
  haltedAt: Date | null;
  haltedReason: string | null;
  ackedAt: Date | null;
}

/** The one batch in flight of an endpoint, kept before it is sent so that a restart re-sends it unchanged. */
export interface OutboxBatch {
  endpointId: string;
  batchId: string;
  mode: BatchMode;
  resendId: number | null;
  firstSeq: number;
  lastSeq: number;
  entries: number;
  body: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

export type ResendStatus = 'pending' | 'running' | 'done';

export interface ResendRow {
  id: number;
  endpointId: string;
  date: string;
  attempt: number;
  status: ResendStatus;
  uptoSeq: number | null;
  progressSeq: number;
  entries: number;
  batches: number;
  requestedBy: string;
  requestedAt: Date;
  finishedAt: Date | null;
}

export type ManifestStatus = 'match' | 'mismatch' | 'recheck' | 'failed';

export interface ManifestRow {
  endpointId: string;
  date: string;
  status: ManifestStatus;
  verdict: ManifestVerdict | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date;
}

/** An endpoint's state for operators: the stored state and the batch in flight, if any. */
export interface EndpointOverview {
  endpointId: string;
  province: string;
  watermark: number;
  ackedAt: Date | null;
  scheduledTarget: number | null;
  haltedAt: Date | null;
  haltedReason: string | null;
  inFlight: {
    batchId: string;
    mode: BatchMode;
    entries: number;
    attempts: number;
    lastError: string | null;
    lastAttemptAt: Date | null;
  } | null;
}

/** The last pull of a province through the gateway. */
export interface PullState {
  province: string;
  principal: string;
  /** `key:<keyId>` (signed with an endpoint key) or `token`. */
  via: string;
  afterSeq: number;
  lastSeq: number;
  entries: number;
  pulls: number;
  pulledAt: Date;
}

interface EndpointDbRow {
  endpoint_id: string;
  province: string;
  watermark: string;
  scheduled_target: string | null;
  manifests_requested_at: Date | null;
  halted_at: Date | null;
  halted_reason: string | null;
  acked_at: Date | null;
}

const endpointOf = (r: EndpointDbRow): EndpointState => ({
  endpointId: r.endpoint_id,
  province: r.province,
  watermark: Number(r.watermark),
  scheduledTarget: r.scheduled_target === null ? null : Number(r.scheduled_target),
  manifestsRequestedAt: r.manifests_requested_at,
  haltedAt: r.halted_at,
  haltedReason: r.halted_reason,
  ackedAt: r.acked_at,
});

interface OutboxDbRow {
  endpoint_id: string;
  batch_id: string;
  mode: BatchMode;
  resend_id: string | null;
  first_seq: string;
  last_seq: string;
  entries: number;
  body: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
}

interface ResendDbRow {
  id: string;
  endpoint_id: string;
  date: string;
  attempt: number;
  status: ResendStatus;
  upto_seq: string | null;
  progress_seq: string;
  entries: number;
  batches: number;
  requested_by: string;
  requested_at: Date;
  finished_at: Date | null;
}

const resendOf = (r: ResendDbRow): ResendRow => ({
  id: Number(r.id),
  endpointId: r.endpoint_id,
  date: r.date,
  attempt: r.attempt,
  status: r.status,
  uptoSeq: r.upto_seq === null ? null : Number(r.upto_seq),
  progressSeq: Number(r.progress_seq),
  entries: r.entries,
  batches: r.batches,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  finishedAt: r.finished_at,
});

const RESEND_COLUMNS = `id, endpoint_id, date::text AS date, attempt, status, upto_seq, progress_seq, entries, batches,
  requested_by, requested_at, finished_at`;

/**
 * The interchange's own state in PostgreSQL, the truth for watermarks, the batch in flight, re-sends and manifests
 * (Redis only schedules). An endpoint's sender runs every statement on the connection that holds the endpoint's
 * advisory lock, so a sender that lost its lock (connection gone) cannot write any more.
 */
@Injectable()
export class InterchangeStateRepository {
  private readonly canonical: CanonicalStoreRepository;

  constructor(@Inject(DataSource) private readonly db: TransactionalQueryable) {
    this.canonical = new CanonicalStoreRepository(db);
  }

  async ensureEndpoint(endpointId: string, province: string): Promise<void> {
    await this.db.query(
      `INSERT INTO interchange_endpoints (endpoint_id, province) VALUES ($1, $2) ON CONFLICT (endpoint_id) DO NOTHING`,
      [endpointId, province],
    );
    const [row] = await this.db.query<{ province: string }[]>(
      `SELECT province FROM interchange_endpoints WHERE endpoint_id = $1`,
      [endpointId],
    );
    // The watermark counts seqs of one province's stream; reusing it for another province would skip events.
    if (row.province !== province) {
      throw new Error(
        `endpoint ${endpointId} was used for province ${row.province}; give the endpoint for ${province} another id`,
      );
    }
  }

  async endpoint(endpointId: string): Promise<EndpointState | null> {
    const rows = await this.db.query<EndpointDbRow[]>(`SELECT * FROM interchange_endpoints WHERE endpoint_id = $1`, [
      endpointId,
    ]);
    return rows[0] ? endpointOf(rows[0]) : null;
  }

  async endpoints(): Promise<EndpointState[]> {
    const rows = await this.db.query<EndpointDbRow[]>(`SELECT * FROM interchange_endpoints ORDER BY endpoint_id`);
    return rows.map(endpointOf);
  }

  /** A scheduled run: everything committed up to now is to be sent (the sender clears the target when done). */
  async requestScheduledRun(endpointId: string): Promise<number | null> {
    const canonicalHead = await this.canonical.lastSeq();
    const rows = await returningRows<{ scheduled_target: string }>(
      this.db,
      `UPDATE interchange_endpoints SET scheduled_requested_at = now(),
         scheduled_target = GREATEST(COALESCE(scheduled_target, 0), $2)
       WHERE endpoint_id = $1 RETURNING scheduled_target`,
      [endpointId, canonicalHead],
    );
    return rows[0] ? Number(rows[0].scheduled_target) : null;
  }

  async clearScheduledTarget(endpointId: string, target: number): Promise<void> {
    await this.db.query(
      `UPDATE interchange_endpoints SET scheduled_target = NULL WHERE endpoint_id = $1 AND scheduled_target = $2`,
      [endpointId, target],
    );
  }

  async requestManifests(endpointIds: readonly string[]): Promise<void> {
    await this.db.query(
      `UPDATE interchange_endpoints SET manifests_requested_at = now() WHERE endpoint_id = ANY($1::text[])`,
      [endpointIds],
    );
  }

  async clearManifestRequest(endpointId: string, requestedAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE interchange_endpoints SET manifests_requested_at = NULL
       WHERE endpoint_id = $1 AND manifests_requested_at = $2`,
      [endpointId, requestedAt],
    );
  }

  async halt(endpointId: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE interchange_endpoints SET halted_at = now(), halted_reason = $2 WHERE endpoint_id = $1`,
      [endpointId, reason],
    );
  }

  async clearHalt(endpointId: string): Promise<void> {
    await this.db.query(
      `UPDATE interchange_endpoints SET halted_at = NULL, halted_reason = NULL WHERE endpoint_id = $1`,
      [endpointId],
    );
  }

  async outbox(endpointId: string): Promise<OutboxBatch | null> {
    const rows = await this.db.query<OutboxDbRow[]>(`SELECT * FROM interchange_outbox WHERE endpoint_id = $1`, [
      endpointId,
    ]);
    const r = rows[0];
    if (!r) return null;
    return {
      endpointId: r.endpoint_id,
      batchId: r.batch_id,
      mode: r.mode,
      resendId: r.resend_id === null ? null : Number(r.resend_id),
      firstSeq: Number(r.first_seq),
      lastSeq: Number(r.last_seq),
      entries: r.entries,
      body: r.body,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
    };
  }

  /** Keeps the batch about to be sent (one per endpoint: a second one is a bug and fails on the primary key). */
  async putOutbox(b: Omit<OutboxBatch, 'attempts' | 'lastError' | 'createdAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO interchange_outbox (endpoint_id, batch_id, mode, resend_id, first_seq, last_seq, entries, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [b.endpointId, b.batchId, b.mode, b.resendId, b.firstSeq, b.lastSeq, b.entries, b.body],
    );
  }

  /** Replaces the batch in flight by a smaller one (only after 413: the receiver recorded nothing of it). */
  async replaceOutbox(b: Omit<OutboxBatch, 'attempts' | 'lastError' | 'createdAt'>): Promise<void> {
    await this.db.query(
      `UPDATE interchange_outbox SET batch_id = $2, first_seq = $3, last_seq = $4, entries = $5, body = $6,
         attempts = 0, last_error = NULL, created_at = now()
       WHERE endpoint_id = $1`,
      [b.endpointId, b.batchId, b.firstSeq, b.lastSeq, b.entries, b.body],
    );
  }

  async noteAttempt(endpointId: string, batchId: string, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE interchange_outbox SET attempts = attempts + 1, last_error = $3, last_attempt_at = now()
       WHERE endpoint_id = $1 AND batch_id = $2`,
      [endpointId, batchId, error],
    );
  }

  /**
   * The acknowledgement of the batch in flight, in one transaction: it leaves the outbox, joins the history, and
   * moves the watermark (push) or the re-send's progress. Returns false when the batch was no longer in flight.
   */
  async acknowledge(tx: Queryable, b: OutboxBatch, ack: BatchAck): Promise<boolean> {
    const gone = await returningRows<{ attempts: number }>(
      tx,
      `DELETE FROM interchange_outbox WHERE endpoint_id = $1 AND batch_id = $2 RETURNING attempts`,
      [b.endpointId, b.batchId],
    );
    if (gone.length === 0) return false;
    await tx.query(
      `INSERT INTO interchange_batches (endpoint_id, batch_id, mode, resend_id, first_seq, last_seq, entries, status,
         duplicate_entries, receiver_watermark, attempts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (endpoint_id, batch_id) DO NOTHING`,
      [
        b.endpointId,
        b.batchId,
        b.mode,
        b.resendId,
        b.firstSeq,
        b.lastSeq,
        b.entries,
        ack.status,
        ack.duplicateEntries,
        ack.watermark,
        gone[0].attempts + 1,
        b.createdAt,
      ],
    );
    if (b.resendId === null) {
      await tx.query(
        `UPDATE interchange_endpoints SET watermark = GREATEST(watermark, $2), acked_at = now() WHERE endpoint_id = $1`,
        [b.endpointId, b.lastSeq],
      );
    } else {
      await tx.query(
        `UPDATE interchange_resends SET progress_seq = GREATEST(progress_seq, $2), entries = entries + $3,
           batches = batches + 1 WHERE id = $1`,
        [b.resendId, b.lastSeq, b.entries],
      );
    }
    return true;
  }

  /**
   * Asks for a re-send of one day to one endpoint. A re-send of that day still open (pending or running) is joined
   * instead (`created: false`); `limit` caps the re-sends of one day (null when refused).
   */
  async requestResend(o: {
    endpointId: string;
    date: string;
    requestedBy: string;
    report: unknown;
    limit: number;
  }): Promise<{ resend: ResendRow; created: boolean } | null> {
    const open = await this.db.query<ResendDbRow[]>(
      `SELECT ${RESEND_COLUMNS} FROM interchange_resends WHERE endpoint_id = $1 AND date = $2::date AND status <> 'done'`,
      [o.endpointId, o.date],
    );
    if (open[0]) return { resend: resendOf(open[0]), created: false };
    const inserted = await this.db.query<ResendDbRow[]>(
      `INSERT INTO interchange_resends (endpoint_id, date, attempt, requested_by, report)
       SELECT $1, $2::date, COALESCE(max(attempt), 0) + 1, $3, $4 FROM interchange_resends
       WHERE endpoint_id = $1 AND date = $2::date
       HAVING COALESCE(max(attempt), 0) < $5
       ON CONFLICT DO NOTHING
       RETURNING ${RESEND_COLUMNS}`,
      [o.endpointId, o.date, o.requestedBy, JSON.stringify(o.report ?? null), o.limit],
    );
    if (inserted[0]) return { resend: resendOf(inserted[0]), created: true };
    // Lost a race with another request (joined), or over the limit (refused).
    const again = await this.db.query<ResendDbRow[]>(
      `SELECT ${RESEND_COLUMNS} FROM interchange_resends WHERE endpoint_id = $1 AND date = $2::date AND status <> 'done'`,
      [o.endpointId, o.date],
    );
    return again[0] ? { resend: resendOf(again[0]), created: false } : null;
  }

  /** The endpoint's oldest open re-send. */
  async nextResend(endpointId: string): Promise<ResendRow | null> {
    const rows = await this.db.query<ResendDbRow[]>(
      `SELECT ${RESEND_COLUMNS} FROM interchange_resends WHERE endpoint_id = $1 AND status <> 'done' ORDER BY id LIMIT 1`,
      [endpointId],
    );
    return rows[0] ? resendOf(rows[0]) : null;
  }

  async hasOpenResend(endpointId: string, date: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `SELECT 1 FROM interchange_resends WHERE endpoint_id = $1 AND date = $2::date AND status <> 'done'`,
      [endpointId, date],
    );
    return rows.length > 0;
  }

  /** Starts a re-send: it covers the day's events up to `uptoSeq` (what the push stream has delivered so far). */
  async startResend(id: number, uptoSeq: number): Promise<void> {
    await this.db.query(
      `UPDATE interchange_resends SET status = 'running', upto_seq = COALESCE(upto_seq, $2), started_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [id, uptoSeq],
    );
  }

  /** Finishes a re-send and has the day's manifest sent again. */
  async finishResend(r: ResendRow): Promise<void> {
    await this.db.query(`UPDATE interchange_resends SET status = 'done', finished_at = now() WHERE id = $1`, [r.id]);
    await this.db.query(
      `UPDATE interchange_manifests SET status = 'recheck' WHERE endpoint_id = $1 AND date = $2::date`,
      [r.endpointId, r.date],
    );
    await this.requestManifests([r.endpointId]);
  }

  async resends(endpointId?: string): Promise<ResendRow[]> {
    const rows = await this.db.query<ResendDbRow[]>(
      `SELECT ${RESEND_COLUMNS} FROM interchange_resends WHERE ($1::text IS NULL OR endpoint_id = $1) ORDER BY id`,
      [endpointId ?? null],
    );
    return rows.map(resendOf);
  }

  /** The dates among `dates` whose manifest is settled (matched, or mismatched and waiting for the province). */
  async settledManifestDates(endpointId: string, dates: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ date: string }[]>(
      `SELECT date::text AS date FROM interchange_manifests
       WHERE endpoint_id = $1 AND date = ANY($2::date[]) AND status IN ('match', 'mismatch')`,
      [endpointId, dates],
    );
    return new Set(rows.map((r) => r.date));
  }

  async saveManifest(o: {
    endpointId: string;
    manifest: DailyManifest;
    status: ManifestStatus;
    verdict: ManifestVerdict | null;
    attempts: number;
    lastError: string | null;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO interchange_manifests (endpoint_id, date, status, manifest, verdict, attempts, last_error)
       VALUES ($1, $2::date, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint_id, date) DO UPDATE SET status = EXCLUDED.status, manifest = EXCLUDED.manifest,
         verdict = EXCLUDED.verdict, attempts = interchange_manifests.attempts + EXCLUDED.attempts,
         last_error = EXCLUDED.last_error, sent_at = now()`,
      [
        o.endpointId,
        o.manifest.date,
        o.status,
        JSON.stringify(o.manifest),
        o.verdict === null ? null : JSON.stringify(o.verdict),
        o.attempts,
        o.lastError,
      ],
    );
  }

  async manifests(endpointId?: string): Promise<ManifestRow[]> {
    const rows = await this.db.query<
      {
        endpoint_id: string;
        date: string;
        status: ManifestStatus;
        verdict: ManifestVerdict | null;
        attempts: number;
        last_error: string | null;
        sent_at: Date;
      }[]
    >(
      `SELECT endpoint_id, date::text AS date, status, verdict, attempts, last_error, sent_at FROM interchange_manifests
       WHERE ($1::text IS NULL OR endpoint_id = $1) ORDER BY endpoint_id, date`,
      [endpointId ?? null],
    );
    return rows.map((r) => ({
      endpointId: r.endpoint_id,
      date: r.date,
      status: r.status,
      verdict: r.verdict,
      attempts: r.attempts,
      lastError: r.last_error,
      sentAt: r.sent_at,
    }));
  }

  /** Every stored endpoint with its batch in flight (operators' interchange status). */
  async overview(): Promise<EndpointOverview[]> {
    const rows = await this.db.query<
      (EndpointDbRow & {
        batch_id: string | null;
        mode: BatchMode | null;
        entries: number | null;
        attempts: number | null;
        last_error: string | null;
        last_attempt_at: Date | null;
      })[]
    >(
      `SELECT e.*, o.batch_id, o.mode, o.entries, o.attempts, o.last_error, o.last_attempt_at
       FROM interchange_endpoints e LEFT JOIN interchange_outbox o USING (endpoint_id) ORDER BY e.endpoint_id`,
    );
    return rows.map((r) => {
      const e = endpointOf(r);
      return {
        endpointId: e.endpointId,
        province: e.province,
        watermark: e.watermark,
        ackedAt: e.ackedAt,
        scheduledTarget: e.scheduledTarget,
        haltedAt: e.haltedAt,
        haltedReason: e.haltedReason,
        inFlight:
          r.batch_id === null
            ? null
            : {
                batchId: r.batch_id,
                mode: r.mode!,
                entries: r.entries!,
                attempts: r.attempts!,
                lastError: r.last_error,
                lastAttemptAt: r.last_attempt_at,
              },
      };
    });
  }

  /** Events of the province (of `kinds`; null: all) after `afterSeq` not yet acknowledged, counted up to `cap`. */
  pendingAfter(
    province: string,
    afterSeq: number,
    cap: number,
    kinds: readonly string[] | null = null,
  ): Promise<number> {
    return this.canonical.provinceCountAfter(province, afterSeq, cap, kinds);
  }

  /** Records a province's pull through the gateway (its last pull is kept). */
  async notePull(p: Omit<PullState, 'pulls' | 'pulledAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO interchange_pulls (province, principal, via, after_seq, last_seq, entries)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (province) DO UPDATE SET principal = $2, via = $3, after_seq = $4, last_seq = $5, entries = $6,
         pulls = interchange_pulls.pulls + 1, pulled_at = now()`,
      [p.province, p.principal, p.via, p.afterSeq, p.lastSeq, p.entries],
    );
  }

  /** The last pull of every province that pulled. */
  async pulls(): Promise<PullState[]> {
    const rows = await this.db.query<
      {
        province: string;
        principal: string;
        via: string;
        after_seq: string;
        last_seq: string;
        entries: number;
        pulls: string;
        pulled_at: Date;
      }[]
    >(`SELECT * FROM interchange_pulls ORDER BY province`);
    return rows.map((r) => ({
      province: r.province,
      principal: r.principal,
      via: r.via,
      afterSeq: Number(r.after_seq),
      lastSeq: Number(r.last_seq),
      entries: r.entries,
      pulls: Number(r.pulls),
      pulledAt: r.pulled_at,
    }));
  }

  /** What an endpoint's acknowledged batches add up to. */
  async batchCounts(endpointId: string): Promise<{ batches: number; entries: number; alreadyAccepted: number }> {
    const [r] = await this.db.query<{ batches: number; entries: number; already: number }[]>(
      `SELECT count(*)::int AS batches, COALESCE(sum(entries), 0)::int AS entries,
              count(*) FILTER (WHERE status = 'already-accepted')::int AS already
       FROM interchange_batches WHERE endpoint_id = $1`,
      [endpointId],
    );
    return { batches: r.batches, entries: r.entries, alreadyAccepted: r.already };
  }
}
