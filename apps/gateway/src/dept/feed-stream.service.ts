import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditLog } from '@ajx/audit';
import {
  deliveryOrder,
  departmentScopeOf,
  DeptFeedRepository,
  encodeFeedCursor,
  type FeedPosition,
  feedEntryView,
  FeedWakeups,
  MAX_AHEAD,
} from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { feedPositionOf } from './feed.service';

/** Entries read per poll; a full window is followed by the next one at once. */
const WINDOW = 200;

interface OpenStream {
  departmentId: string;
  close(): void;
  /** Settles once the stream has ended and its closing is audited. */
  finished: Promise<void>;
}

/**
 * Server-sent events of a department's feed. Each event's `id` is the stream position after it (a feed cursor), so
 * `Last-Event-ID` resumes exactly: nothing skipped, nothing repeated. Urgent entries go ahead of pending normal ones.
 * The stream reads in short transactions — woken by the writers' NOTIFY, or every AJX_FEED_STREAM_POLL_MS — and
 * never holds a transaction (or a pooled connection) between reads.
 */
@Injectable()
export class FeedStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedStreamService.name);
  private readonly open = new Set<OpenStream>();

  constructor(
    private readonly feed: DeptFeedRepository,
    private readonly wakeups: FeedWakeups,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
  ) {}

  countFor(departmentId: string): number {
    let n = 0;
    for (const s of this.open) if (s.departmentId === departmentId) n++;
    return n;
  }

  async stream(principal: Principal, req: Request, res: Response, after?: string, requestId?: string): Promise<void> {
    const scope = departmentScopeOf(principal);
    const lastEventId = req.header('last-event-id');
    const start: FeedPosition = lastEventId
      ? feedPositionOf(lastEventId, scope.departmentId, 'Last-Event-ID')
      : feedPositionOf(after, scope.departmentId, 'after');
    if (this.countFor(scope.departmentId) >= this.config.AJX_FEED_STREAMS_PER_DEPARTMENT) {
      await this.audit.record({
        actor: principal.id,
        action: 'dept.feed.stream',
        target: 'feed',
        outcome: 'denied',
        details: { reason: 'too many streams', limit: this.config.AJX_FEED_STREAMS_PER_DEPARTMENT },
        requestId,
      });
      res.setHeader('Retry-After', '5');
      throw apiError(
        429,
        'TOO_MANY_STREAMS',
        `at most ${this.config.AJX_FEED_STREAMS_PER_DEPARTMENT} open feed streams per department`,
      );
    }
    await this.audit.record({
      actor: principal.id,
      action: 'dept.feed.stream',
      target: 'feed',
      outcome: 'ok',
      details: { from: start.seq, ahead: start.ahead.length },
      requestId,
    });

    let closed = false;
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const close = () => {
      closed = true;
      poke();
    };
    let finish = () => undefined as void;
    const stream: OpenStream = {
      departmentId: scope.departmentId,
      close,
      finished: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.open.add(stream);
    const unsubscribe = this.wakeups.subscribe(scope.departmentId, poke);
    req.on('close', close);
    res.on('close', close);

    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 2000\n\n`);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(`: keep-alive\n\n`);
    }, this.config.AJX_FEED_STREAM_HEARTBEAT_MS);

    let position = start;
    let sent = 0;
    try {
      while (!closed) {
        const w = await this.feed.window(scope, position.seq, position.ahead, {
          urgent: MAX_AHEAD - position.ahead.length,
          inOrder: WINDOW,
        });
        const order = deliveryOrder(position, w.urgent, w.inOrder);
        for (const d of order.deliveries) {
          if (closed) break;
          const ok = res.write(
            `id: ${encodeFeedCursor(d.position, scope.departmentId)}\ndata: ${JSON.stringify(feedEntryView(d.entry, scope.departmentId))}\n\n`,
          );
          sent++;
          if (!ok) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
        }
        position = order.position;
        if (w.inOrder.length === WINDOW) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.config.AJX_FEED_STREAM_POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          if (closed) poke();
        });
      }
    } catch (err) {
      this.logger.error(`feed stream of ${scope.departmentId} failed: ${(err as Error).message}`);
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      if (!res.writableEnded) res.end();
    }
    await this.audit
      .record({
        actor: principal.id,
        action: 'dept.feed.stream.closed',
        target: 'feed',
        outcome: 'ok',
        details: { sent, last: position.seq },
        requestId,
      })
      .catch((err: Error) => this.logger.error(`audit of a closed stream failed: ${err.message}`));
    this.open.delete(stream);
    finish();
  }

  /** Ends every stream before the HTTP server closes (clients reconnect with Last-Event-ID to another instance). */
  async beforeApplicationShutdown(): Promise<void> {
    const streams = [...this.open];
    for (const s of streams) s.close();
    await Promise.all(streams.map((s) => s.finished));
  }
}
