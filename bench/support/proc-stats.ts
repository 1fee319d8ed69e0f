import fs from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

/** CPU time, current and peak resident memory of a process, from /proc (Linux). */
export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuSeconds, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Tracks CPU used between start() and stop() and the peak RSS of named processes. */
export class ProcMonitor {
  private readonly start = new Map<string, ProcSample>();
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;

  constructor(private readonly pids: Record<string, number>) {}

  begin(): void {
    this.startedAt = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = sampleProc(pid);
      if (s) this.start.set(name, s);
    }
    this.timer = setInterval(() => this.poll(), 500);
  }

  private poll(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = sampleProc(pid);
      if (s) this.peak.set(name, Math.max(this.peak.get(name) ?? 0, s.rssBytes));
    }
  }

  end(): { name: string; cpuPercent: number; cpuSeconds: number; peakRssMb: number }[] {
    if (this.timer) clearInterval(this.timer);
    this.poll();
    const wall = (Date.now() - this.startedAt) / 1000;
    return Object.entries(this.pids).map(([name, pid]) => {
      const now = sampleProc(pid);
      const before = this.start.get(name);
      const cpu = now && before ? now.cpuSeconds - before.cpuSeconds : 0;
      return {
        name,
        cpuSeconds: Number(cpu.toFixed(1)),
        cpuPercent: Math.round((cpu / wall) * 100),
        peakRssMb: Math.round((this.peak.get(name) ?? now?.rssBytes ?? 0) / 1048576),
      };
    });
  }
}

/** PostgreSQL's shared background processes (their work serves every database: counted with each run's backends). */
const PG_BACKGROUND =
  /^postgres: (?:\S+: )?(?:walwriter|checkpointer|background writer|autovacuum launcher|logical replication launcher|walsender)/;

/**
 * CPU seconds of the PostgreSQL server spent for one database: its backends (connections and autovacuum workers)
 * and the server's background processes (WAL writer, checkpointer, background writer). Other databases' backends
 * (another test run on the same server) are left out, which counting every `postgres` process did not.
 */
export function cpuOfPostgres(databaseUrl: string): number {
  const database = new URL(databaseUrl).pathname.slice(1);
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (!title.split(/\s+/).includes(database) && !PG_BACKGROUND.test(title)) continue;
      const s = sampleProc(Number(pid));
      if (s) total += s.cpuSeconds;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
