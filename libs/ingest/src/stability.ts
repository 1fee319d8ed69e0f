/** What the drop folder scan saw of a file. */
export interface FileObservation {
  size: number;
  mtimeMs: number;
}

interface Seen extends FileObservation {
  since: number;
}

/**
 * "Whole file", first half: a file is settled once its size and modification time stayed the same for `settleMs`
 * (a writer still appending keeps moving them). Files whose names start with "." or end with ".part", ".tmp" or
 * ".partial" are never considered: writers may use such names and rename when done, which is the safest protocol.
 */
export class SettleTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly settleMs: number) {}

  static ignored(name: string): boolean {
    return name.startsWith('.') || /\.(part|tmp|partial)$/i.test(name);
  }

  /** Records an observation; true when the file has not changed for settleMs. */
  observe(name: string, o: FileObservation, now: number): boolean {
    const prev = this.seen.get(name);
    if (!prev || prev.size !== o.size || prev.mtimeMs !== o.mtimeMs) {
      this.seen.set(name, { ...o, since: now });
      return this.settleMs === 0 && prev !== undefined;
    }
    return now - prev.since >= this.settleMs;
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Drops files no longer present. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }
}
