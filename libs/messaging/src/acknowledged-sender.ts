import {
  type Admin,
  type Kafka,
  type Message,
  type PartitionMetadata,
  Partitioners,
  type Producer,
  type RecordMetadata,
  type Transaction,
} from 'kafkajs';

/** A kafkajs producer or one of its transactions: what sends a batch and answers with the acknowledgements. */
export type BatchSender = Pick<Producer, 'sendBatch'> | Pick<Transaction, 'sendBatch'>;

/** Messages for one topic, by its full name (deployment prefix included). */
export interface FullTopicMessages {
  topic: string;
  messages: Message[];
}

/** How long a topic's partition list is trusted before it is read again (partitions are only ever added). */
const METADATA_TTL_MS = 30_000;
/** Rounds of re-sending partitions kafkajs left out before giving up (each round is a whole retried send). */
const MAX_ROUNDS = 20;

/**
 * Sends that are complete only when the brokers acknowledged every partition they target.
 *
 * kafkajs 2.2.4 can resolve a send without having sent all of it: it remembers, per broker, that a broker answered;
 * when a partition's leader moves during the send's retries (a broker killed) to a broker that already answered for
 * other partitions, the moved partition's messages are never sent again and the send resolves anyway
 * (`producer/sendMessages.js`: only brokers without a response get a request). The cluster chaos run lost records
 * that way (docs/reliability.md, "Cluster run"). So every message gets its partition here (the same murmur2
 * partitioner kafkajs and the Java client use, unless the caller chose one), and the partitions left out are sent
 * again — inside the same transaction when the sender is one, so a transaction never commits without them.
 */
export class AcknowledgedSender {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private admin: Admin | null = null;
  private readonly metadata = new Map<string, { at: number; partitions: PartitionMetadata[] }>();

  constructor(private readonly kafka: Kafka) {}

  async send(sender: BatchSender, batches: readonly FullTopicMessages[]): Promise<void> {
    let pending: FullTopicMessages[] = [];
    for (const b of batches.filter((x) => x.messages.length > 0)) {
      const needsPartition = b.messages.some((m) => m.partition === undefined);
      const partitionMetadata = needsPartition ? await this.partitionsOf(b.topic) : [];
      pending.push({
        topic: b.topic,
        messages: b.messages.map((m) =>
          m.partition !== undefined
            ? m
            : { ...m, partition: this.partitioner({ topic: b.topic, partitionMetadata, message: m }) },
        ),
      });
    }
    for (let round = 1; pending.length > 0; round++) {
      const acknowledged = await sender.sendBatch({ topicMessages: pending, acks: -1 });
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

  /** Closes the metadata connection (opened on the first send that needs partitions). */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    this.metadata.clear();
    await admin?.disconnect().catch(() => undefined);
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
