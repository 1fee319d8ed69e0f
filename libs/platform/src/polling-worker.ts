import { Logger } from '@nestjs/common';

/**
 * A background loop over work kept in PostgreSQL (leased rows): it drains on a timer and on `kick()`, never runs two
 * drains at once, and on `stop()` waits for the running one. Used by the gateway's publisher and the router's
 * re-projection (the state lives in the database, so a restart simply drains again).
 */
export class PollingWorker {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    name: string,
    private readonly intervalMs: number,
    private readonly drain: (stopped: () => boolean) => Promise<void>,
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
      .catch((err: unknown) => this.logger.error(`${err instanceof Error ? err.message : String(err)}`))
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
