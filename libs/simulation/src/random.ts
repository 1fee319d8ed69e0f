/** A small, fast, seedable PRNG (mulberry32) with the helpers the generators need; same seed, same sequence. */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  }

  /** [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  /**
   * A child generator seeded from the current state without drawing from it: the parent's sequence is the same
   * whether or not the child is made (the data standard v2 records are drawn this way beside the v1 ones).
   */
  derive(label: string): Random {
    return new Random(hashSeed(`${this.state}:${label}`));
  }

  /** A child generator (so one stream of choices does not shift another). */
  fork(label: string): Random {
    return new Random(hashSeed(`${this.int(0, 0x7fffffff)}:${label}`));
  }
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
