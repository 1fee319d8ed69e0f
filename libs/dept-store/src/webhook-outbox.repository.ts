import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DepartmentScope } from './department-scope';
import { DepartmentScopedRepository } from './department-scoped.repository';

export type DeliveryState = 'pending' | 'delivered' | 'dead';

/**
 * A webhook secret as stored: sealed (AES-256-GCM under the key `keyId`, ADR 0009), or plain for a row written
 * before secrets were sealed and not sealed yet (the gateway seals those at start-up).
 */
export type StoredWebhookSecret = { keyId: string; sealed: Buffer } | { plain: string };

/** A department's endpoint as the notifier leases it (the only place the secret is read). */
export interface LeasedEndpoint {
  departmentId: string;
  url: string;
  secret: StoredWebhookSecret;
  cursor: number;
}

interface LeasedRow {
  department_id: string;
  url: string;
  secret: string | null;
  secret_key_id: string | null;
  secret_sealed: Buffer | null;
  cursor: string;
}

const LEASED_COLUMNS = 'department_id, url, secret, secret_key_id, secret_sealed, cursor';

function storedSecret(r: Pick<LeasedRow, 'secret' | 'secret_key_id' | 'secret_sealed'>): StoredWebhookSecret {
  return r.secret_sealed && r.secret_key_id
    ? { keyId: r.secret_key_id, sealed: r.secret_sealed }
    : { plain: r.secret! };
}

const toLeased = (r: LeasedRow): LeasedEndpoint => ({
  departmentId: r.department_id,
  url: r.url,
  secret: storedSecret(r),
  cursor: Number(r.cursor),
});

export interface WebhookDelivery {
  id: string;
  departmentId: string;
  seq: number;
  urgent: boolean;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface DeliveryRow {
  id: string;
  department_id: string;
  seq: string;
  urgent: boolean;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  departmentId: r.department_id,
  seq: Number(r.seq),
  urgent: r.urgent,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const DELIVERY_COLUMNS =
  'id, department_id, seq, urgent, state, attempts, next_attempt_at, last_status, last_error, created_at, finished_at';

/** A department's endpoint, without its secret. */
export interface WebhookEndpoint {
  departmentId: string;
  url: string;
  /** Every feed entry at or below this sequence number is delivered or dead. */
  cursor: number;
  nextAttemptAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface EndpointRow {
  department_id: string;
  url: string;
  cursor: string;
  next_attempt_at: Date;
  created_at: Date;
  updated_at: Date;
}

const ENDPOINT_COLUMNS = 'department_id, url, cursor, next_attempt_at, created_at, updated_at';

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  departmentId: r.department_id,
  url: r.url,
  cursor: Number(r.cursor),
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface DeliveryCounts {
  pending: number;
  delivered: number;
  dead: number;
}

export interface DeliveryFilter {
  departmentId?: string;
  state?: DeliveryState;
  /** Deliveries of feed entries before this sequence number (paging backwards, newest first). */
  beforeSeq?: number;
  limit: number;
}

/**
 * Webhook endpoints and their delivery outbox (service connection: the gateway configures, the notifier delivers).
 * PostgreSQL holds every delivery's state: losing a notifier, or Redis, delays deliveries but never loses one.
 */
@Injectable()
export class WebhookOutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Sets a department's endpoint. A new endpoint starts after `startAfter`, or at the end of the feed; an existing
   * one keeps its position unless `startAfter` is given (entries after it are delivered again). A delivery in
   * flight starts its attempts afresh on the new endpoint.
   */
  configure(
    departmentId: string,
    url: string,
    secret: { keyId: string; sealed: Buffer },
    startAfter: number | null,
  ): Promise<{ created: boolean; endpoint: WebhookEndpoint }> {
    return this.db.transaction(async (tx) => {
      const [existing] = await tx.query<{ cursor: string }[]>(
        `SELECT cursor FROM dept_webhooks WHERE department_id = $1 FOR UPDATE`,
        [departmentId],
      );
      const [counter] = await tx.query<{ last_seq: string }[]>(
        `SELECT last_seq FROM dept_counters WHERE department_id = $1`,
        [departmentId],
      );
      const cursor = startAfter ?? (existing ? Number(existing.cursor) : Number(counter?.last_seq ?? 0));
      if (startAfter !== null) {
        await tx.query(`DELETE FROM webhook_deliveries WHERE department_id = $1 AND seq > $2`, [departmentId, cursor]);
      }
      await tx.query(
        `UPDATE webhook_deliveries SET attempts = 0, next_attempt_at = now()
         WHERE department_id = $1 AND state = 'pending'`,
        [departmentId],
      );
      const [row] = await returningRows<EndpointRow>(
        tx,
        `INSERT INTO dept_webhooks AS w (department_id, url, secret, secret_key_id, secret_sealed, cursor)
         VALUES ($1, $2, NULL, $3, $4, $5)
         ON CONFLICT (department_id) DO UPDATE SET url = EXCLUDED.url, secret = NULL,
           secret_key_id = EXCLUDED.secret_key_id, secret_sealed = EXCLUDED.secret_sealed,
           cursor = EXCLUDED.cursor, next_attempt_at = now(), updated_at = now()
         RETURNING ${ENDPOINT_COLUMNS}`,
        [departmentId, url, secret.keyId, secret.sealed, cursor],
      );
      return { created: !existing, endpoint: toEndpoint(row) };
    });
  }

  /** Removes the endpoint and its undelivered outbox; delivered and dead deliveries stay as history. */
  remove(departmentId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const gone = await returningRows<unknown>(
        tx,
        `DELETE FROM dept_webhooks WHERE department_id = $1 RETURNING department_id`,
        [departmentId],
      );
      await tx.query(`DELETE FROM webhook_deliveries WHERE department_id = $1 AND state = 'pending'`, [departmentId]);
      return gone.length > 0;
    });
  }

  /**
   * Leases up to `limit` endpoints that have something to deliver now (not leased, not backing off, feed ahead of
   * the cursor). A lease is the "one in flight per endpoint" rule across notifier instances.
   */
  async claim(owner: string, leaseMs: number, limit: number): Promise<LeasedEndpoint[]> {
    const rows = await returningRows<LeasedRow>(
      this.db,
      `UPDATE dept_webhooks w SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
       WHERE w.department_id IN (
         SELECT w2.department_id FROM dept_webhooks w2 JOIN dept_counters c ON c.department_id = w2.department_id
         WHERE (w2.lease_until IS NULL OR w2.lease_until < now()) AND w2.next_attempt_at <= now()
           AND c.last_seq > w2.cursor
         ORDER BY w2.next_attempt_at LIMIT $3 FOR UPDATE OF w2 SKIP LOCKED)
       RETURNING w.department_id, w.url, w.secret, w.secret_key_id, w.secret_sealed, w.cursor`,
      [owner, leaseMs, limit],
    );
    return rows.map(toLeased);
  }

  /** Extends a lease; false when it was lost (expired and taken, or the endpoint removed). */
  async renew(departmentId: string, owner: string, leaseMs: number): Promise<LeasedEndpoint | null> {
    const [r] = await returningRows<LeasedRow>(
      this.db,
      `UPDATE dept_webhooks SET lease_until = now() + $3 * interval '1 millisecond'
       WHERE department_id = $1 AND lease_owner = $2 RETURNING ${LEASED_COLUMNS}`,
      [departmentId, owner, leaseMs],
    );
    return r ? toLeased(r) : null;
  }

  /**
   * Seals every secret again in one transaction: `reseal` gets each endpoint's stored secret (plain or sealed) and
   * returns it sealed under the current key. With `onlyPlain`, only rows still holding a plain secret (written
   * before secrets were sealed). Returns how many rows were written.
   */
  resealSecrets(
    reseal: (departmentId: string, stored: StoredWebhookSecret) => { keyId: string; sealed: Buffer },
    opts: { onlyPlain?: boolean } = {},
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<LeasedRow[]>(
        `SELECT ${LEASED_COLUMNS} FROM dept_webhooks ${opts.onlyPlain ? 'WHERE secret IS NOT NULL' : ''}
         ORDER BY department_id FOR UPDATE`,
      );
      for (const r of rows) {
        const next = reseal(r.department_id, storedSecret(r));
        await tx.query(
          `UPDATE dept_webhooks SET secret = NULL, secret_key_id = $2, secret_sealed = $3 WHERE department_id = $1`,
          [r.department_id, next.keyId, next.sealed],
        );
      }
      return rows.length;
    });
  }

  /** How many secrets each key seals (`plain` for rows not sealed yet). */
  async secretKeyUsage(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ key: string; n: string }[]>(
      `SELECT coalesce(secret_key_id, 'plain') AS key, count(*) AS n FROM dept_webhooks GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  }

  /** Gives the endpoint back; it is looked at again from `nextAttemptAt` (now when null). */
  async release(departmentId: string, owner: string, nextAttemptAt: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE dept_webhooks SET lease_owner = NULL, lease_until = NULL, next_attempt_at = coalesce($3, now())
       WHERE department_id = $1 AND lease_owner = $2`,
      [departmentId, owner, nextAttemptAt],
    );
  }

  /** Releases every lease an owner holds (shutdown). */
  async releaseAll(owner: string): Promise<void> {
    await this.db.query(`UPDATE dept_webhooks SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [
      owner,
    ]);
  }

  /** The delivery in flight (started, neither delivered nor dead), if any. */
  async inFlight(departmentId: string): Promise<WebhookDelivery | null> {
    const [r] = await this.db.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE department_id = $1 AND state = 'pending'
       ORDER BY seq LIMIT 1`,
      [departmentId],
    );
    return r ? toDelivery(r) : null;
  }

  /** Feed entries above the cursor already finished (urgent ones that went ahead). */
  async finishedAbove(departmentId: string, cursor: number): Promise<number[]> {
    const rows = await this.db.query<{ seq: string }[]>(
      `SELECT seq FROM webhook_deliveries WHERE department_id = $1 AND seq > $2 AND state <> 'pending' ORDER BY seq`,
      [departmentId, cursor],
    );
    return rows.map((r) => Number(r.seq));
  }

  /** Starts the delivery of a feed entry (idempotent: the same entry keeps its delivery id). */
  async start(departmentId: string, seq: number, urgent: boolean): Promise<WebhookDelivery> {
    await this.db.query(
      `INSERT INTO webhook_deliveries (id, department_id, seq, urgent, state, next_attempt_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 'pending', now()) ON CONFLICT (department_id, seq) DO NOTHING`,
      [departmentId, seq, urgent],
    );
    const [r] = await this.db.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE department_id = $1 AND seq = $2`,
      [departmentId, seq],
    );
    return toDelivery(r);
  }

  /**
   * Records an attempt's outcome: `delivered`; a failure to retry at `retryAt`; or (retryAt null) `dead`. A finished
   * delivery moves the endpoint's cursor over every finished entry that follows it.
   */
  attempted(
    d: Pick<WebhookDelivery, 'id' | 'departmentId'>,
    outcome: { ok: true; status: number } | { ok: false; status: number | null; error: string; retryAt: Date | null },
  ): Promise<WebhookDelivery | null> {
    return this.db.transaction(async (tx) => {
      // Lock order: the endpoint first, then its deliveries — as configuring and removing an endpoint do — so an
      // attempt finishing while the department removes or replaces its endpoint never deadlocks with it.
      await tx.query(`SELECT 1 FROM dept_webhooks WHERE department_id = $1 FOR UPDATE`, [d.departmentId]);
      const state: DeliveryState = outcome.ok ? 'delivered' : outcome.retryAt ? 'pending' : 'dead';
      const [row] = await returningRows<DeliveryRow>(
        tx,
        `UPDATE webhook_deliveries SET attempts = attempts + 1, state = $2, last_status = $3, last_error = $4,
           next_attempt_at = $5, finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
        [
          d.id,
          state,
          outcome.status,
          outcome.ok ? null : outcome.error.slice(0, 500),
          outcome.ok ? null : outcome.retryAt,
        ],
      );
      // The endpoint was removed meanwhile (with its undelivered outbox): nothing left to record.
      if (!row) return null;
      if (state !== 'pending') await this.advanceCursor(tx, d.departmentId);
      return toDelivery(row);
    });
  }

  private async advanceCursor(tx: EntityManager, departmentId: string): Promise<void> {
    const [w] = await tx.query<{ cursor: string }[]>(
      `SELECT cursor FROM dept_webhooks WHERE department_id = $1 FOR UPDATE`,
      [departmentId],
    );
    if (!w) return;
    let cursor = Number(w.cursor);
    for (;;) {
      const [next] = await tx.query<{ seq: string; finished: boolean }[]>(
        `SELECT f.seq, EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.department_id = f.department_id
                                 AND d.seq = f.seq AND d.state <> 'pending') AS finished
         FROM dept_feed f WHERE f.department_id = $1 AND f.seq > $2 ORDER BY f.seq LIMIT 1`,
        [departmentId, cursor],
      );
      if (!next?.finished) break;
      cursor = Number(next.seq);
    }
    await tx.query(`UPDATE dept_webhooks SET cursor = $2 WHERE department_id = $1 AND cursor < $2`, [
      departmentId,
      cursor,
    ]);
  }

  /** For operators: every endpoint (no secrets) with its outbox counts. */
  async endpoints(): Promise<(WebhookEndpoint & { head: number; counts: DeliveryCounts })[]> {
    const rows = await this.db.query<(EndpointRow & { head: string | null } & Record<DeliveryState, number>)[]>(
      `SELECT w.department_id, w.url, w.cursor, w.next_attempt_at, w.created_at, w.updated_at, c.last_seq AS head,
         (SELECT count(*)::int FROM webhook_deliveries d WHERE d.department_id = w.department_id AND d.state = 'pending') AS pending,
         (SELECT count(*)::int FROM webhook_deliveries d WHERE d.department_id = w.department_id AND d.state = 'delivered') AS delivered,
         (SELECT count(*)::int FROM webhook_deliveries d WHERE d.department_id = w.department_id AND d.state = 'dead') AS dead
       FROM dept_webhooks w LEFT JOIN dept_counters c ON c.department_id = w.department_id ORDER BY w.department_id`,
    );
    return rows.map((r) => ({
      ...toEndpoint(r),
      head: Number(r.head ?? 0),
      counts: { pending: r.pending, delivered: r.delivered, dead: r.dead },
    }));
  }

  /** For operators: deliveries of every department, newest first. */
  async deliveries(f: DeliveryFilter): Promise<WebhookDelivery[]> {
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE ($1::text IS NULL OR department_id = $1) AND ($2::text IS NULL OR state = $2)
         AND ($3::bigint IS NULL OR seq < $3)
       ORDER BY created_at DESC, department_id, seq DESC LIMIT $4`,
      [f.departmentId ?? null, f.state ?? null, f.beforeSeq ?? null, f.limit],
    );
    return rows.map(toDelivery);
  }
}

/** A department's own endpoint and deliveries, on the API's connection (row-level security; no secret column). */
export class DeptWebhookReadRepository extends DepartmentScopedRepository {
  constructor(db: DataSource) {
    super(db);
  }

  endpoint(scope: DepartmentScope): Promise<(WebhookEndpoint & { counts: DeliveryCounts }) | null> {
    return this.inScope(scope, async (tx, departmentId) => {
      const [row] = await tx.query<EndpointRow[]>(
        `SELECT ${ENDPOINT_COLUMNS} FROM dept_webhooks WHERE department_id = $1`,
        [departmentId],
      );
      if (!row) return null;
      const counts = await tx.query<{ state: DeliveryState; n: number }[]>(
        `SELECT state, count(*)::int AS n FROM webhook_deliveries WHERE department_id = $1 GROUP BY state`,
        [departmentId],
      );
      const c: DeliveryCounts = { pending: 0, delivered: 0, dead: 0 };
      for (const x of counts) c[x.state] = x.n;
      return { ...toEndpoint(row), counts: c };
    });
  }

  /** The department's deliveries, newest entry first. */
  deliveries(
    scope: DepartmentScope,
    f: { state?: DeliveryState; beforeSeq?: number; limit: number },
  ): Promise<WebhookDelivery[]> {
    return this.inScope(scope, async (tx, departmentId) => {
      const rows = await tx.query<DeliveryRow[]>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE department_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::bigint IS NULL OR seq < $3)
         ORDER BY seq DESC LIMIT $4`,
        [departmentId, f.state ?? null, f.beforeSeq ?? null, f.limit],
      );
      return rows.map(toDelivery);
    });
  }
}
