import {
  type Admin,
  type Kafka,
  type Message,
  type PartitionMetadata,
  Partitioners,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';
import type { OutgoingMessage } from './message';

export interface TopicMessages {
  /** Logical topic name (without the deployment prefix). */
  topic: string;
  messages: OutgoingMessage[];
}

/** How long a topic's partition list is trusted before it is read again (partitions are only ever added). */
const METADATA_TTL_MS = 30_000;
/** Rounds of re-sending partitions kafkajs left out before giving up (each round is a whole retried send). */
const MAX_ROUNDS = 20;

/**
 * Idempotent producer: the broker drops retried duplicates of a send, and a send resolves only when every
 * in-sync replica has the messages (acks = -1), so callers may commit their input afterwards.
 *
 * kafkajs 2.2.4 can resolve a send without having sent all of it: it remembers, per broker, that a broker answered;
 * when a partition's leader moves during the send's retries (a broker killed) to a broker that already answered for
 * other partitions, the moved partition's messages are never sent again and the send resolves anyway
 * (`producer/sendMessages.js`: only brokers without a response get a request). The cluster chaos run lost records
 * that way (docs/reliability.md, "Cluster run"). So every message gets its partition here (the same murmur2
 * partitioner), and a send is complete only when the brokers acknowledged every partition it targeted; the partitions
 * left out are sent again.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private admin: Admin | null = null;
  private readonly metadata = new Map<string, { at: number; partitions: PartitionMetadata[] }>();
  private connected = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix = '',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // An idempotent producer keeps its ordering and no-duplicate guarantees only if it never gives up a send
      // (a send waits out a broker outage; callers' state is durable, so waiting is what we want).
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
      // Java-compatible murmur2 partitioning: the same key lands on the same partition from any client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }

  async send(batches: readonly TopicMessages[]): Promise<void> {
    let pending: { topic: string; messages: Message[] }[] = [];
    for (const b of batches.filter((x) => x.messages.length > 0)) {
      const topic = this.prefix + b.topic;
      const partitionMetadata = await this.partitionsOf(topic);
      pending.push({
        topic,
        messages: b.messages.map((m) => {
          const message: Message = { key: m.key, value: m.value, headers: m.headers };
          return { ...message, partition: this.partitioner({ topic, partitionMetadata, message }) };
        }),
      });
    }
    for (let round = 1; pending.length > 0; round++) {
      const acknowledged = await this.producer.sendBatch({ topicMessages: pending, acks: -1 });
      const done = new Set(
        acknowledged.filter((r) => r.errorCode === 0).map((r: RecordMetadata) => `${r.topicName}|${r.partition}`),
      );
      pending = pending
        .map((t) => ({ topic: t.topic, messages: t.messages.filter((m) => !done.has(`${t.topic}|${m.partition}`)) }))
        .filter((t) => t.messages.length > 0);
      if (pending.length > 0 && round >= MAX_ROUNDS) {
        const left = pending.map((t) => `${t.topic}[${[...new Set(t.messages.map((m) => m.partition))].join(',')}]`);
        throw new Error(`Kafka acknowledged no write of ${left.join(', ')} after ${round} sends`);
      }
    }
  }

  /** The topic's partitions, from the cluster's metadata (cached for METADATA_TTL_MS). */
  private async partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.metadata.get(topic);
    if (cached && Date.now() - cached.at < METADATA_TTL_MS) return cached.partitions;
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`);
    this.metadata.set(topic, { at: Date.now(), partitions });
    return partitions;
  }
}
