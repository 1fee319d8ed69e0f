import type { PgConnection } from '@ajx/persistence';
import { Client } from 'pg';
import { FEED_CHANNEL } from './feed-sequence';

type Listener = () => void;

/**
 * Wake-up hints for feed readers: one connection LISTENs to the channel the writers NOTIFY at commit (payload: the
 * departments whose feeds grew, or `*`). Only a hint — readers also poll, so a lost connection or notification
 * delays, never loses, an entry. Reconnects until stopped.
 */
export class FeedWakeups {
  private client: Client | null = null;
  private readonly byDepartment = new Map<string, Set<Listener>>();
  private readonly everything = new Set<Listener>();
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: string | PgConnection,
    private readonly onError: (message: string) => void = () => undefined,
    private readonly reconnectMs = 1000,
  ) {}

  /** Calls `listener` whenever the department's feed (any feed, for `*`) may have grown. */
  subscribe(departmentId: string, listener: Listener): () => void {
    if (departmentId === '*') {
      this.everything.add(listener);
      return () => this.everything.delete(listener);
    }
    let set = this.byDepartment.get(departmentId);
    if (!set) this.byDepartment.set(departmentId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.byDepartment.delete(departmentId);
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((err: Error) => this.failed(err));
  }

  /** Nest calls this on the instance it was given by a factory provider. */
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const c = typeof this.connection === 'string' ? { url: this.connection, ssl: false as const } : this.connection;
    const client = new Client({
      connectionString: c.url,
      ssl: c.ssl || undefined,
      application_name: 'ajx-feed-wakeups',
    });
    client.on('notification', (n) => this.dispatch(n.payload ?? '*'));
    client.on('error', (err) => this.failed(err));
    client.on('end', () => {
      if (this.client === client) this.failed(new Error('connection ended'));
    });
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${FEED_CHANNEL}`);
    // Something may have committed while we were not listening.
    this.dispatch('*');
  }

  private failed(err: Error): void {
    if (this.stopped) return;
    this.onError(`feed wake-ups: ${err.message}; reconnecting`);
    const c = this.client;
    this.client = null;
    void c?.end().catch(() => undefined);
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) void this.connect().catch((e: Error) => this.failed(e));
    }, this.reconnectMs);
    this.retry.unref();
  }

  private dispatch(payload: string): void {
    let ids: string[] | null = null;
    if (payload !== '*') {
      try {
        const parsed = JSON.parse(payload) as unknown;
        if (Array.isArray(parsed)) ids = parsed.filter((x): x is string => typeof x === 'string');
      } catch {
        ids = null;
      }
    }
    const targets = new Set<Listener>(this.everything);
    if (ids) for (const id of ids) for (const l of this.byDepartment.get(id) ?? []) targets.add(l);
    else for (const set of this.byDepartment.values()) for (const l of set) targets.add(l);
    for (const l of targets) l();
  }
}
