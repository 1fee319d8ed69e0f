/** Waits that can be cut short: at shutdown (so a held request or a backoff never delays stopping), or when there is work. */
export class Sleeper {
  private readonly wakers = new Set<() => void>();

  /** Resolves after `ms`, or earlier on `wakeAll()` or when `until` resolves. */
  sleep(ms: number, until?: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      void until?.then(done, done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
