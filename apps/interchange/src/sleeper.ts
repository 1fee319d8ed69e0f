/** Waits that can be cut short: on shutdown, or when there is work (a scheduled run, new events). */
export class Sleeper {
  private readonly wakers = new Set<() => void>();

  /** Resolves after `ms`, or earlier on `wakeAll()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
