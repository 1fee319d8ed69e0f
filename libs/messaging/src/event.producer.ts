import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { AcknowledgedSender } from './acknowledged-sender';
import type { OutgoingMessage } from './message';

export interface TopicMessages {
  /** Logical topic name (without the deployment prefix). */
  topic: string;
  messages: OutgoingMessage[];
}

/**
 * Idempotent producer: the broker drops retried duplicates of a send, and a send resolves only when every
 * in-sync replica has the messages (acks = -1) of every partition it targets (AcknowledgedSender: kafkajs can leave
 * some out), so callers may commit their input afterwards.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly sender: AcknowledgedSender;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly prefix = '',
  ) {
    this.sender = new AcknowledgedSender(kafka);
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
    await this.sender.close();
  }

  async send(batches: readonly TopicMessages[]): Promise<void> {
    await this.sender.send(
      this.producer,
      batches.map((b) => ({
        topic: this.prefix + b.topic,
        messages: b.messages.map((m): Message => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    );
  }
}
