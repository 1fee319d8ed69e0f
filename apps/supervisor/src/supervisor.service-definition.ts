import type { Kafka } from 'kafkajs';
import { KAFKA, KafkaBatchServer } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import type { ServiceDefinition } from '@ajx/platform';
import { CANONICAL_PATTERN } from './canonical-events.handler';
import { supervisorConsumer } from './supervisor-consumer';
import { SupervisorConfig } from './supervisor.config';
import { SupervisorModule } from './supervisor.module';

/** The supervision service: its own consumer group on the canonical topic (docs/supervision.md, "The service"). */
export const supervisorService: ServiceDefinition<SupervisorConfig> = {
  name: 'supervisor',
  schema: SupervisorConfig,
  module: (config) => SupervisorModule.forRoot(config),
  port: (config) => config.AJX_SUPERVISOR_PORT,
  transport: (app, config) =>
    new KafkaBatchServer({
      kafka: app.get<Kafka>(KAFKA),
      groupId: supervisorConsumer(config).groupId,
      subscriptions: [{ pattern: CANONICAL_PATTERN, topics: [supervisorConsumer(config).topic] }],
      partitionsConsumedConcurrently: config.AJX_SUPERVISOR_CONCURRENCY,
      sessionTimeoutMs: config.AJX_KAFKA_SESSION_TIMEOUT_MS,
      fetchMinBytes: config.AJX_KAFKA_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.AJX_KAFKA_FETCH_MAX_WAIT_MS,
      metrics: app.get(MetricsRegistry),
      maxMessagesPerCall: config.AJX_SUPERVISOR_BATCH,
    }),
};
