import { Kafka, logLevel } from 'kafkajs';

/** One sample of a consumer group: its lag (high watermarks minus committed offsets) and its committed total. */
interface Sample {
  at: number;
  lag: number;
  committed: number;
}

/** What a fault did to the consumer groups in the window after it. */
export interface FaultPause {
  fault: string;
  at: number;
  /** The group with the longest stall, and that stall: committed offsets standing still while it had lag. */
  group: string;
  stallMs: number;
  /** The largest lag of any group in the window, and whose. */
  maxLag: number;
  maxLagGroup: string;
  /** From the fault until every group's lag was back at or below what it was at the fault (or 50 messages). */
  convergeMs: number | null;
}

/**
 * Samples every consumer group's lag every `intervalMs` through the admin API (through whichever brokers are up), so
 * that the report can say what pause each fault caused. Samples that fail (the cluster electing a leader) are skipped.
 */
export class LagMonitor {
  private readonly samples = new Map<string, Sample[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly kafka: Kafka;

  constructor(
    brokers: string[],
    private readonly intervalMs = 2000,
  ) {
    this.kafka = new Kafka({
      clientId: 'ajx-chaos-lag',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { retries: 2 },
    });
  }

  start(): void {
    const tick = () => {
      this.running = this.sample()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private async sample(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const at = Date.now();
      const { groups } = await admin.listGroups();
      const highs = new Map<string, Map<number, number>>();
      for (const { groupId } of groups.filter((g) => g.protocolType === 'consumer')) {
        const offsets = await admin.fetchOffsets({ groupId });
        let lag = 0;
        let committed = 0;
        for (const t of offsets) {
          let high = highs.get(t.topic);
          if (!high) {
            high = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
            highs.set(t.topic, high);
          }
          for (const p of t.partitions) {
            const c = Number(p.offset);
            const h = high.get(p.partition) ?? 0;
            lag += c >= 0 ? Math.max(0, h - c) : h;
            committed += Math.max(0, c);
          }
        }
        const list = this.samples.get(groupId) ?? [];
        list.push({ at, lag, committed });
        this.samples.set(groupId, list);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** The pause each fault caused, in the window from it to the next fault (at most `maxWindowMs`). */
  pauses(faults: { fault: string; at: number }[], end: number, maxWindowMs = 120_000): FaultPause[] {
    const sorted = [...faults].sort((a, b) => a.at - b.at);
    return sorted.map((f, i) => {
      const until = Math.min(i + 1 < sorted.length ? sorted[i + 1].at : end, f.at + maxWindowMs);
      let group = '';
      let stallMs = 0;
      let maxLag = 0;
      let maxLagGroup = '';
      let convergeMs: number | null = 0;
      for (const [g, all] of this.samples) {
        const before = [...all].reverse().find((s) => s.at <= f.at);
        const window = all.filter((s) => s.at > f.at && s.at <= until);
        let stallStart: Sample | null = null;
        for (const s of window) {
          if (s.lag > maxLag) {
            maxLag = s.lag;
            maxLagGroup = g;
          }
          if (stallStart && s.committed === stallStart.committed && s.lag > 0) {
            if (s.at - stallStart.at > stallMs) {
              stallMs = s.at - stallStart.at;
              group = g;
            }
          } else stallStart = s;
        }
        const threshold = Math.max(50, before?.lag ?? 0);
        const back = all.find((s) => s.at > f.at && s.lag <= threshold);
        if (!back) convergeMs = null;
        else if (convergeMs !== null) convergeMs = Math.max(convergeMs, back.at - f.at);
      }
      return { fault: f.fault, at: f.at, group, stallMs, maxLag, maxLagGroup, convergeMs };
    });
  }

  groups(): string[] {
    return [...this.samples.keys()];
  }

  /** Each group's lag per topic-partition now, the non-zero ones: a stuck member shows here, a skipped range does not. */
  async residualLag(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const out: string[] = [];
      const { groups } = await admin.listGroups();
      for (const { groupId } of groups.filter((g) => g.protocolType === 'consumer')) {
        for (const t of await admin.fetchOffsets({ groupId })) {
          const high = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
          for (const p of t.partitions) {
            const lag = (high.get(p.partition) ?? 0) - Math.max(0, Number(p.offset));
            if (lag > 0) out.push(`${groupId} ${t.topic}[${p.partition}] committed ${p.offset} lag ${lag}`);
          }
        }
      }
      return out;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
