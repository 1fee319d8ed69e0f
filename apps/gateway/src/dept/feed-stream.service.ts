import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  type DepartmentScope,
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

/** Where a stream starts: the client's Last-Event-ID header, or else the `after` query parameter. */
export interface FeedStreamStart {
  lastEventId?: string;
  after?: string;
}

/**
 * One open feed stream: the chunks of its `text/event-stream` body in order, which the controller writes (pulling
 * the next chunk only when the client took the last one), and `close()` for when the client goes away.
 */
export interface FeedEventStream extends AsyncIterable<string> {
  close(): void;
}

/**
 * Server-sent events of a department's feed. Each event's `id` is the stream position after it (a feed cursor), so
 * `Last-Event-ID` resumes exactly: nothing skipped, nothing repeated. Urgent entries go ahead of pending normal ones.
 * The stream reads in short transactions — woken by the writers' NOTIFY, or every AJX_FEED_STREAM_POLL_MS — and
 * never holds a transaction (or a pooled connection) between reads. An idle stream sends a comment every
 * AJX_FEED_STREAM_HEARTBEAT_MS.
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

  /**
   * Opens a stream: checks where it starts (400 for a cursor not issued to this department) and the department's
   * number of open streams (429 beyond AJX_FEED_STREAMS_PER_DEPARTMENT), audits it and registers it.
   */
  async stream(principal: Principal, from: FeedStreamStart, requestId?: string): Promise<FeedEventStream> {
    const scope = departmentScopeOf(principal);
    const start: FeedPosition = from.lastEventId
      ? feedPositionOf(from.lastEventId, scope.departmentId, 'Last-Event-ID')
      : feedPositionOf(from.after, scope.departmentId, 'after');
    if (this.countFor(scope.departmentId) >= this.config.AJX_FEED_STREAMS_PER_DEPARTMENT) {
      await this.audit.record({
        actor: principal.id,
        action: 'dept.feed.stream',
        target: 'feed',
        outcome: 'denied',
        details: { reason: 'too many streams', limit: this.config.AJX_FEED_STREAMS_PER_DEPARTMENT },
        requestId,
      });
      throw apiError(
        429,
        'TOO_MANY_STREAMS',
        `at most ${this.config.AJX_FEED_STREAMS_PER_DEPARTMENT} open feed streams per department`,
        undefined,
        { 'Retry-After': '5' },
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

    return this.opened(principal, scope, start, requestId);
  }

  /** A registered stream: its chunks are produced as the controller pulls them; it ends when closed. */
  private opened(
    principal: Principal,
    scope: DepartmentScope,
    start: FeedPosition,
    requestId: string | undefined,
  ): FeedEventStream {
    const departmentId = scope.departmentId;
    let closed = false;
    let woken = false;
    let heartbeatDue = false;
    let wake: (() => void) | null = null;
    const wakeNow = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const poke = () => {
      woken = true;
      wakeNow();
    };
    const close = () => {
      closed = true;
      wakeNow();
    };
    let finish = () => undefined as void;
    const stream: OpenStream = {
      departmentId,
      close,
      finished: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.open.add(stream);
    const unsubscribe = this.wakeups.subscribe(departmentId, poke);
    const heartbeat = setInterval(() => {
      heartbeatDue = true;
      wakeNow();
    }, this.config.AJX_FEED_STREAM_HEARTBEAT_MS);

    let position = start;
    let sent = 0;
    const pollMs = this.config.AJX_FEED_STREAM_POLL_MS;
    const read = (p: FeedPosition) =>
      this.feed.window(scope, p.seq, p.ahead, { urgent: MAX_AHEAD - p.ahead.length, inOrder: WINDOW });
    const ended = async () => {
      clearInterval(heartbeat);
      unsubscribe();
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
    };
    const logger = this.logger;

    async function* chunks(): AsyncGenerator<string> {
      try {
        yield `retry: 2000\n\n`;
        while (!closed) {
          const w = await read(position);
          const order = deliveryOrder(position, w.urgent, w.inOrder);
          for (const d of order.deliveries) {
            if (closed) break;
            sent++;
            yield `id: ${encodeFeedCursor(d.position, departmentId)}\ndata: ${JSON.stringify(feedEntryView(d.entry, departmentId))}\n\n`;
          }
          position = order.position;
          if (w.inOrder.length === WINDOW) continue;
          // Until a commit wakes the stream or the poll interval is over; an idle stream sends heartbeats meanwhile.
          const until = Date.now() + pollMs;
          woken = false;
          while (!closed && !woken) {
            if (heartbeatDue) {
              heartbeatDue = false;
              yield `: keep-alive\n\n`;
              continue;
            }
            const left = until - Date.now();
            if (left <= 0) break;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
              if (closed || woken || heartbeatDue) wakeNow();
            });
          }
        }
      } catch (err) {
        logger.error(`feed stream of ${departmentId} failed: ${(err as Error).message}`);
      } finally {
        await ended();
      }
    }
    const iterator = chunks();
    return { close, [Symbol.asyncIterator]: () => iterator };
  }

  /** Ends every stream before the HTTP server closes (clients reconnect with Last-Event-ID to another instance). */
  async beforeApplicationShutdown(): Promise<void> {
    const streams = [...this.open];
    for (const s of streams) s.close();
    await Promise.all(streams.map((s) => s.finished));
  }
}
