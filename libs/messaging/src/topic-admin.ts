import type { Admin, Kafka } from 'kafkajs';

/** Attempts of `ensure` while a cluster's brokers do not all know a topic yet (UNKNOWN_TOPIC_OR_PARTITION). */
const SETTLE_ATTEMPTS = 10;
const SETTLE_DELAY_MS = 1000;

/**
 * Right after topics are created on a cluster of several brokers, the broker asked for their metadata may not know
 * them yet; kafkajs's admin does not retry that ("This server does not host this topic-partition").
 */
function metadataSettling(err: unknown): boolean {
  return (err as { type?: string } | null)?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
}
import type { TopicSpec } from '@ajx/contracts';

export interface TopicProvisionResult {
  created: string[];
  grown: string[];
  reconfigured: string[];
  unchanged: string[];
}

/**
 * Creates the project's topics explicitly (the broker never auto-creates) with their partition counts and
 * retention, and brings existing ones up to spec: partitions only grow, configs are altered in place.
 */
export class TopicAdmin {
  constructor(
    private readonly kafka: Kafka,
    private readonly prefix = '',
  ) {}

  /** Idempotent: tried again while a cluster's metadata settles after topics were created. */
  async ensure(specs: readonly TopicSpec[]): Promise<TopicProvisionResult> {
    for (let attempt = 1; ; attempt++) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        return await this.ensureWith(admin, specs);
      } catch (err) {
        if (attempt >= SETTLE_ATTEMPTS || !metadataSettling(err)) throw err;
      } finally {
        await admin.disconnect();
      }
      await new Promise((r) => setTimeout(r, SETTLE_DELAY_MS));
    }
  }

  private async ensureWith(admin: Admin, specs: readonly TopicSpec[]): Promise<TopicProvisionResult> {
    const result: TopicProvisionResult = { created: [], grown: [], reconfigured: [], unchanged: [] };
    const existing = new Set(await admin.listTopics());
    const configOf = (s: TopicSpec) => [
      { name: 'retention.ms', value: String(s.retentionMs) },
      { name: 'cleanup.policy', value: s.cleanupPolicy },
    ];
    const missing = specs.filter((s) => !existing.has(this.prefix + s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: this.prefix + s.name,
          numPartitions: s.partitions,
          replicationFactor: -1,
          configEntries: configOf(s),
        })),
      });
      result.created.push(...missing.map((s) => this.prefix + s.name));
    }
    const present = specs.filter((s) => existing.has(this.prefix + s.name));
    if (present.length === 0) return result;
    const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => this.prefix + s.name) });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((s) => ({
        type: 2 /* TOPIC */,
        name: this.prefix + s.name,
        configNames: ['retention.ms', 'cleanup.policy'],
      })),
    });
    for (const spec of present) {
      const name = this.prefix + spec.name;
      let changed = false;
      const partitions = meta.topics.find((t) => t.name === name)?.partitions.length ?? 0;
      if (partitions < spec.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: name, count: spec.partitions }] });
        result.grown.push(name);
        changed = true;
      }
      const entries = described.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
      const differs = configOf(spec).some((c) => entries.find((e) => e.configName === c.name)?.configValue !== c.value);
      if (differs) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: 2, name, configEntries: configOf(spec) }],
        });
        result.reconfigured.push(name);
        changed = true;
      }
      if (!changed) result.unchanged.push(name);
    }
    return result;
  }
}
