import type { Kafka } from 'kafkajs';
import { Topics } from '@ajx/contracts';
import { KAFKA, KafkaBatchServer } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import type { ServiceDefinition } from '@ajx/platform';
import { NormalizerConfig } from './normalizer.config';
import { NormalizerModule } from './normalizer.module';
import { RAW_PATTERN } from './raw-records.handler';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every insurer's raw topic (topics existing when the consumer starts; a new insurer's topic needs a restart). */
export function rawTopicsPattern(prefix: string): RegExp {
  return new RegExp(`^${escape(prefix + Topics.rawPrefix)}[A-Z][A-Z0-9_]{1,31}$`);
}

export const normalizerService: ServiceDefinition<NormalizerConfig> = {
  name: 'normalizer',
  schema: NormalizerConfig,
  module: (config) => NormalizerModule.forRoot(config),
  port: (config) => config.AJX_NORMALIZER_PORT,
  transport: (app, config) =>
    new KafkaBatchServer({
      kafka: app.get<Kafka>(KAFKA),
      groupId: `${config.AJX_TOPIC_PREFIX}ajx.normalizer`,
      subscriptions: [{ pattern: RAW_PATTERN, topics: [rawTopicsPattern(config.AJX_TOPIC_PREFIX)] }],
      partitionsConsumedConcurrently: config.AJX_NORMALIZER_CONCURRENCY,
      sessionTimeoutMs: config.AJX_KAFKA_SESSION_TIMEOUT_MS,
      fetchMinBytes: config.AJX_KAFKA_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.AJX_KAFKA_FETCH_MAX_WAIT_MS,
      metrics: app.get(MetricsRegistry),
      maxMessagesPerCall: config.AJX_NORMALIZER_BATCH,
    }),
};
