import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * A background loop over work kept in PostgreSQL (leased rows or timers): it drains on a timer and on `kick()`, never
 * runs two drains at once, and on `stop()` waits for the running one (the state lives in the database, so a restart
 * simply drains again). Services use it through {@link PollingService}.
 */
export class PollingWorker {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  /** `failure`: how a failed drain is logged (`<failure>: <message>`; default the message alone). */
  constructor(
    name: string,
    private readonly intervalMs: number,
    private readonly drain: (stopped: () => boolean) => Promise<void>,
    private readonly failure?: string,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.kick();
  }

  /** Drains now, or right after the drain under way. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain(() => this.stopped)
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error(this.failure ? `${this.failure}: ${message}` : message);
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no drain is running (tests use it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}

/**
 * A Nest service whose work is a {@link PollingWorker}: started once the application is up, stopped (waiting for the
 * drain under way) when it shuts down. Subclasses implement `drain`; `kick()` asks for a drain now.
 */
export abstract class PollingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: PollingWorker;

  protected constructor(name: string, intervalMs: number, failure?: string) {
    this.worker = new PollingWorker(name, intervalMs, (stopped) => this.drain(stopped), failure);
  }

  /** Does the work there is; returns early once `stopped()` says so. */
  protected abstract drain(stopped: () => boolean): Promise<void>;

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  /** Starts a drain now (or right after the one under way). */
  kick(): void {
    this.worker.kick();
  }

  /** Resolves when no drain is running (tests use it). */
  idle(): Promise<void> {
    return this.worker.idle();
  }
}
