import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CommonConfig } from '@ajx/config';
import { type ReadinessCheck } from '@ajx/observability';
import type { Kafka } from 'kafkajs';
import { EventProducer } from './event.producer';
import { createKafkaFromConfig } from './kafka.factory';
import { TopicAdmin } from './topic-admin';

export const KAFKA = Symbol('KAFKA');

@Injectable()
export class KafkaReadiness implements ReadinessCheck {
  readonly name = 'kafka';
  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async check(): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in cluster metadata');
    } finally {
      await admin.disconnect();
    }
  }
}

@Injectable()
class MessagingLifecycle implements OnApplicationShutdown {
  constructor(private readonly producer: EventProducer) {}
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** The process's Kafka client, idempotent producer, topic admin and readiness check. */
@Global()
@Module({})
export class MessagingModule {
  static forService(clientId: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: KAFKA,
          inject: [CommonConfig],
          useFactory: (config: CommonConfig) => createKafkaFromConfig(config, clientId),
        },
        {
          provide: EventProducer,
          inject: [KAFKA, CommonConfig],
          useFactory: async (kafka: Kafka, config: CommonConfig) => {
            const producer = new EventProducer(kafka, config.AJX_TOPIC_PREFIX);
            await producer.connect();
            return producer;
          },
        },
        {
          provide: TopicAdmin,
          inject: [KAFKA, CommonConfig],
          useFactory: (kafka: Kafka, config: CommonConfig) => new TopicAdmin(kafka, config.AJX_TOPIC_PREFIX),
        },
        KafkaReadiness,
        MessagingLifecycle,
      ],
      exports: [KAFKA, EventProducer, TopicAdmin, KafkaReadiness],
    };
  }
}
