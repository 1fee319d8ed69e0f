import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  DeptFeedRepository,
  type FeedEntry,
  feedEntryView,
  type FeedPosition,
  FeedWakeups,
  isDelivered,
  type LeasedEndpoint,
  nextDelivery,
  trustedDepartmentScope,
  type WebhookDelivery,
  WebhookOutboxRepository,
} from '@ajx/dept-store';
import { MetricsRegistry } from '@ajx/observability';
import { backoffDelayMs } from '@ajx/webhooks';
import { Counter, Histogram } from 'prom-client';
import { NotifierConfig } from './notifier.config';
import { WebhookSender } from './webhook.sender';

/** Deliveries one lease may make before the endpoint is given back (so busy endpoints cannot starve others). */
const DELIVERIES_PER_LEASE = 200;

/**
 * Delivers department feeds to their webhook endpoints from the PostgreSQL outbox. Each endpoint is leased by one
 * notifier at a time and has at most one delivery in flight, so entries arrive in the feed's delivery order
 * (urgent entries ahead, then sequence order). A failed attempt is retried with exponential backoff and jitter;
 * after AJX_WEBHOOK_MAX_ATTEMPTS the delivery is dead (audited, visible to the department and operators) and the
 * endpoint moves on. Everything is polled from PostgreSQL: no state lives only in memory or in Redis.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly owner = `notifier-${randomUUID()}`;
  private readonly active = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticking = false;
  private again = false;
  private stopping = false;
  private readonly attempts: Counter;
  private readonly latency: Histogram;

  constructor(
    private readonly outbox: WebhookOutboxRepository,
    private readonly feed: DeptFeedRepository,
    private readonly sender: WebhookSender,
    private readonly wakeups: FeedWakeups,
    private readonly audit: AuditLog,
    private readonly config: NotifierConfig,
    metrics: MetricsRegistry,
  ) {
    config.webhookKeys(); // a missing or broken key file stops the notifier at start-up
    this.attempts = new Counter({
      name: 'ajx_notifier_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, dead)',
      labelNames: ['outcome', 'urgent'],
      registers: [metrics],
    });
    this.latency = new Histogram({
      name: 'ajx_notifier_webhook_entry_to_delivered_seconds',
      help: 'From a feed entry being written to its webhook delivery being acknowledged',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [metrics],
    });
  }

  private get leaseMs(): number {
    return Math.max(30000, this.config.AJX_WEBHOOK_TIMEOUT_MS * 3);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.wakeups.subscribe('*', () => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.AJX_NOTIFIER_POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([...this.active.values()]);
    await this.outbox.releaseAll(this.owner).catch(() => undefined);
  }

  /** Looks for work now (coalesced: one claim at a time, one more if asked meanwhile). */
  kick(): void {
    if (this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.claim()
      .catch((err: Error) => this.logger.error(`webhook claim failed: ${err.message}`))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claim(): Promise<void> {
    const free = this.config.AJX_WEBHOOK_CONCURRENCY - this.active.size;
    if (free <= 0) return;
    const endpoints = await this.outbox.claim(this.owner, this.leaseMs, free);
    for (const ep of endpoints) {
      const run = this.serve(ep).finally(() => {
        this.active.delete(ep.departmentId);
        this.kick();
      });
      this.active.set(ep.departmentId, run);
    }
  }

  /** Delivers to one leased endpoint until it is caught up, backing off, or has had its share. */
  private async serve(leased: LeasedEndpoint): Promise<void> {
    let endpoint: LeasedEndpoint | null = leased;
    let nextAttemptAt: Date | null = null;
    try {
      for (let n = 0; endpoint && !this.stopping && n < DELIVERIES_PER_LEASE; n++) {
        const next = await this.next(endpoint);
        if (!next) break;
        const { delivery, entry } = next;
        if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > Date.now()) {
          nextAttemptAt = delivery.nextAttemptAt;
          break;
        }
        const retryAt = await this.attempt(endpoint, delivery, entry);
        if (retryAt) {
          nextAttemptAt = retryAt;
          break;
        }
        endpoint = await this.outbox.renew(endpoint.departmentId, this.owner, this.leaseMs);
      }
    } catch (err) {
      this.logger.error(`webhook of ${leased.departmentId}: ${(err as Error).message}`);
      nextAttemptAt = new Date(Date.now() + this.config.AJX_NOTIFIER_POLL_MS);
    } finally {
      await this.outbox
        .release(leased.departmentId, this.owner, nextAttemptAt)
        .catch((err: Error) => this.logger.error(`webhook release failed: ${err.message}`));
    }
  }

  /** The delivery in flight, or a new one for the next entry in delivery order. */
  private async next(ep: LeasedEndpoint): Promise<{ delivery: WebhookDelivery; entry: FeedEntry } | null> {
    const scope = trustedDepartmentScope(ep.departmentId);
    const inFlight = await this.outbox.inFlight(ep.departmentId);
    if (inFlight) {
      const entry = await this.feed.at(scope, inFlight.seq);
      if (entry) return { delivery: inFlight, entry };
      // The entry is gone (it cannot be, feeds are append-only): give up on it rather than block the endpoint.
      await this.outbox.attempted(inFlight, { ok: false, status: null, error: 'feed entry missing', retryAt: null });
      return this.next(ep);
    }
    const position: FeedPosition = {
      seq: ep.cursor,
      ahead: await this.outbox.finishedAbove(ep.departmentId, ep.cursor),
    };
    const w = await this.feed.window(scope, position.seq, position.ahead, {
      urgent: 1,
      inOrder: position.ahead.length + 1,
    });
    const entry = nextDelivery(
      position,
      w.urgent[0] ?? null,
      w.inOrder.find((e) => !isDelivered(position, e.seq)) ?? null,
    );
    if (!entry) return null;
    return { delivery: await this.outbox.start(ep.departmentId, entry.seq, entry.urgent), entry };
  }

  /** One attempt; returns when to retry, or null when the delivery is finished (delivered or dead). */
  private async attempt(ep: LeasedEndpoint, delivery: WebhookDelivery, entry: FeedEntry): Promise<Date | null> {
    const body = JSON.stringify({
      type: 'ajx.dept.feed.entry',
      deliveryId: delivery.id,
      department: ep.departmentId,
      attempt: delivery.attempts + 1,
      entry: feedEntryView(entry, ep.departmentId),
    });
    const result = await this.sender.send({
      url: ep.url,
      secret: 'plain' in ep.secret ? ep.secret.plain : this.config.webhookKeys().open(ep.departmentId, ep.secret),
      deliveryId: delivery.id,
      body,
      timeoutMs: this.config.AJX_WEBHOOK_TIMEOUT_MS,
      policy: this.config.webhookPolicy(),
      ca: this.config.webhookCa(),
    });
    const urgent = String(entry.urgent);
    if (result.ok) {
      await this.outbox.attempted(delivery, result);
      this.attempts.inc({ outcome: 'delivered', urgent });
      this.latency.observe((Date.now() - entry.at.getTime()) / 1000);
      return null;
    }
    const attempts = delivery.attempts + 1;
    if (attempts >= this.config.AJX_WEBHOOK_MAX_ATTEMPTS) {
      await this.outbox.attempted(delivery, { ...result, retryAt: null });
      this.attempts.inc({ outcome: 'dead', urgent });
      this.logger.warn(`webhook delivery ${delivery.id} of ${ep.departmentId} is dead after ${attempts} attempts`);
      await this.audit.record({
        actor: 'system:notifier',
        action: 'webhook.dead',
        target: ep.departmentId,
        outcome: 'error',
        details: {
          deliveryId: delivery.id,
          seq: entry.seq,
          attempts,
          lastStatus: result.status,
          lastError: result.error,
        },
      });
      return null;
    }
    const retryAt = new Date(
      Date.now() +
        backoffDelayMs(attempts, {
          baseMs: this.config.AJX_WEBHOOK_BACKOFF_BASE_MS,
          maxMs: this.config.AJX_WEBHOOK_BACKOFF_MAX_MS,
        }),
    );
    await this.outbox.attempted(delivery, { ...result, retryAt });
    this.attempts.inc({ outcome: 'retry', urgent });
    return retryAt;
  }
}
