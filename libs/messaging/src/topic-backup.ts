import fs from 'node:fs';
import path from 'node:path';
import { type Admin, ConfigResourceTypes, type Kafka } from 'kafkajs';
import { AcknowledgedSender } from './acknowledged-sender';
import { readTopicToEnd } from './topic-reader';

/** One exported topic: its settings, and per partition the offsets it held when exported. */
export interface TopicExport {
  topic: string;
  partitions: number;
  configs: Record<string, string>;
  /** partition → [low, high) at export time and the number of messages written (fewer: transaction markers). */
  ranges: Record<string, { low: string; high: string; messages: number }>;
  file: string;
}

/** Committed offsets of the hub's consumer groups: group → topic → partition → offset. */
export type GroupOffsets = Record<string, Record<string, Record<string, string>>>;

interface Line {
  p: number;
  o: string;
  t: string;
  k: string | null;
  v: string | null;
  h: Record<string, string>;
}

const KEPT_CONFIGS = ['retention.ms', 'cleanup.policy', 'min.compaction.lag.ms', 'max.message.bytes'];
const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
const unb64 = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));

async function withAdmin<T>(kafka: Kafka, run: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Backup and restore of the hub's Kafka side (`ajx backup` / `ajx restore`, docs/operations.md "Backup and
 * restore"): topics exported message by message (key, value, headers, timestamp, partition, original offset) as
 * NDJSON, committed consumer-group offsets, and the way back onto an empty broker — where offsets start anew, so
 * committed offsets are translated through the exported original offsets.
 */
export class TopicBackup {
  constructor(
    private readonly kafka: Kafka,
    /** The deployment's topic prefix: topics and groups named `<prefix>ajx.…` are the hub's. */
    private readonly prefix: string,
  ) {}

  /** The hub's topics and consumer groups (`<prefix>ajx.…`; readers' throw-away groups are `ajx-read-…`). */
  private isHubName(name: string): boolean {
    return name.startsWith(`${this.prefix}ajx.`);
  }

  /** The committed offsets of every hub consumer group (taken before the database dump: see the docs). */
  async groupOffsets(): Promise<GroupOffsets> {
    return withAdmin(this.kafka, async (admin) => {
      const topics = (await admin.listTopics()).filter((t) => this.isHubName(t));
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => this.isHubName(g));
      const out: GroupOffsets = {};
      for (const groupId of groups.sort()) {
        const fetched = await admin.fetchOffsets({ groupId, topics });
        for (const t of fetched) {
          for (const p of t.partitions) {
            if (BigInt(p.offset) < 0n) continue;
            ((out[groupId] ??= {})[t.topic] ??= {})[String(p.partition)] = p.offset;
          }
        }
      }
      return out;
    });
  }

  /** Writes every hub topic to `<dir>/<topic>.ndjson` (read_committed: aborted transactions are left out). */
  async exportTopics(dir: string): Promise<TopicExport[]> {
    fs.mkdirSync(dir, { recursive: true });
    const described = await withAdmin(this.kafka, async (admin) => {
      const topics = (await admin.listTopics()).filter((t) => this.isHubName(t)).sort();
      const meta = await admin.fetchTopicMetadata({ topics });
      const configs = topics.length
        ? await admin.describeConfigs({
            resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: KEPT_CONFIGS })),
            includeSynonyms: false,
          })
        : { resources: [] };
      return Promise.all(
        topics.map(async (topic) => ({
          topic,
          partitions: meta.topics.find((t) => t.name === topic)!.partitions.length,
          configs: Object.fromEntries(
            (configs.resources.find((r) => r.resourceName === topic)?.configEntries ?? [])
              .filter((c) => !c.isDefault)
              .map((c) => [c.configName, c.configValue]),
          ),
          offsets: await admin.fetchTopicOffsets(topic),
        })),
      );
    });
    const exports: TopicExport[] = [];
    for (const d of described) {
      const file = `${d.topic}.ndjson`;
      const fd = fs.openSync(path.join(dir, file), 'w');
      const counts = new Map<number, number>();
      try {
        await readTopicToEnd(
          this.kafka,
          d.topic,
          (m) => {
            counts.set(m.partition, (counts.get(m.partition) ?? 0) + 1);
            const line: Line = {
              p: m.partition,
              o: m.offset,
              t: m.timestamp,
              k: b64(m.key),
              v: b64(m.value),
              h: m.headers,
            };
            fs.writeSync(fd, `${JSON.stringify(line)}\n`);
          },
          { timeoutMs: 600_000 },
        );
      } finally {
        fs.closeSync(fd);
      }
      exports.push({
        topic: d.topic,
        partitions: d.partitions,
        configs: d.configs,
        ranges: Object.fromEntries(
          d.offsets.map((o) => [
            String(o.partition),
            { low: o.low, high: o.high, messages: counts.get(o.partition) ?? 0 },
          ]),
        ),
        file,
      });
    }
    return exports;
  }

  /**
   * Creates the exported topics on this (empty) broker and produces their messages, partition by partition in
   * order, then sets the groups' offsets: a committed original offset O becomes the new offset of the first
   * exported message at or after O (the messages before it were handled, those from it on were not).
   */
  async importTopics(
    dir: string,
    exports: readonly TopicExport[],
    groups: GroupOffsets,
  ): Promise<{ messages: number }> {
    await withAdmin(this.kafka, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const clash = exports.filter((e) => existing.has(e.topic)).map((e) => e.topic);
      if (clash.length) throw new Error(`the broker already has ${clash.join(', ')}: restore needs an empty broker`);
      await admin.createTopics({
        waitForLeaders: true,
        topics: exports.map((e) => ({
          topic: e.topic,
          numPartitions: e.partitions,
          configEntries: Object.entries(e.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    });
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const sender = new AcknowledgedSender(this.kafka);
    await producer.connect();
    /** topic → partition → the original offsets, in order (index = new offset). */
    const originals = new Map<string, Map<number, bigint[]>>();
    let total = 0;
    try {
      for (const e of exports) {
        const byPartition = new Map<number, bigint[]>();
        originals.set(e.topic, byPartition);
        let pending: Line[] = [];
        const flush = async () => {
          if (!pending.length) return;
          const batch = pending;
          pending = [];
          // Every partition acknowledged before the next flush: the offsets below are positions in this order.
          await sender.send(producer, [
            {
              topic: e.topic,
              messages: batch.map((l) => ({
                partition: l.p,
                key: unb64(l.k),
                value: unb64(l.v),
                headers: l.h,
                timestamp: l.t,
              })),
            },
          ]);
        };
        const text = fs.readFileSync(path.join(dir, e.file), 'utf8');
        for (const raw of text.split('\n')) {
          if (!raw) continue;
          const l = JSON.parse(raw) as Line;
          let list = byPartition.get(l.p);
          if (!list) byPartition.set(l.p, (list = []));
          list.push(BigInt(l.o));
          pending.push(l);
          total++;
          if (pending.length >= 500) await flush();
        }
        await flush();
      }
    } finally {
      await producer.disconnect();
      await sender.close();
    }
    await withAdmin(this.kafka, async (admin) => {
      for (const [groupId, topics] of Object.entries(groups)) {
        for (const [topic, partitions] of Object.entries(topics)) {
          const byPartition = originals.get(topic);
          if (!byPartition) continue;
          await admin.setOffsets({
            groupId,
            topic,
            partitions: Object.entries(partitions).map(([p, committed]) => {
              const list = byPartition.get(Number(p)) ?? [];
              const next = list.findIndex((o) => o >= BigInt(committed));
              return { partition: Number(p), offset: String(next < 0 ? list.length : next) };
            }),
          });
        }
      }
    });
    return { messages: total };
  }
}
