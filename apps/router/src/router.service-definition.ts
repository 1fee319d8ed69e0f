import type { Kafka } from 'kafkajs';
import { Topics } from '@ajx/contracts';
import { KAFKA, KafkaBatchServer } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import type { ServiceDefinition } from '@ajx/platform';
import { CANONICAL_PATTERN, FINDINGS_PATTERN } from './canonical-events.handler';
import { RouterConfig } from './router.config';
import { RouterModule } from './router.module';

export const routerService: ServiceDefinition<RouterConfig> = {
  name: 'router',
  schema: RouterConfig,
  module: (config) => RouterModule.forRoot(config),
  port: (config) => config.AJX_ROUTER_PORT,
  transport: (app, config) =>
    new KafkaBatchServer({
      kafka: app.get<Kafka>(KAFKA),
      groupId: `${config.AJX_TOPIC_PREFIX}ajx.router`,
      subscriptions: [
        { pattern: CANONICAL_PATTERN, topics: [config.AJX_TOPIC_PREFIX + Topics.canonical] },
        { pattern: FINDINGS_PATTERN, topics: [config.AJX_TOPIC_PREFIX + Topics.findings] },
      ],
      partitionsConsumedConcurrently: config.AJX_ROUTER_CONCURRENCY,
      sessionTimeoutMs: config.AJX_KAFKA_SESSION_TIMEOUT_MS,
      fetchMinBytes: config.AJX_KAFKA_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.AJX_KAFKA_FETCH_MAX_WAIT_MS,
      metrics: app.get(MetricsRegistry),
      maxMessagesPerCall: config.AJX_ROUTER_BATCH,
    }),
};
