import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AppConfigModule, type CommonConfig } from '@ajx/config';
import { KafkaReadiness, MessagingModule } from '@ajx/messaging';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck, type RouteAccess } from '@ajx/observability';
import { DatabaseModule, PostgresReadiness } from '@ajx/persistence';
import { RedisModule, RedisReadiness } from '@ajx/redis';

export interface ServiceRuntimeOptions<T extends CommonConfig> {
  /** Service name used in logs, metrics and the Kafka client id. */
  name: string;
  schema: new () => T;
  config: T;
  /** Which infrastructure the service uses; each one becomes a readiness check. */
  uses: { kafka?: boolean; postgres?: boolean; redis?: boolean };
  /**
   * Readiness checks of the app's own dependencies (e.g. a database it owns). Each must be provided and
   * exported by a global module the app imports.
   */
  readiness?: Type<ReadinessCheck>[];
  /**
   * Who may read `/metrics` on the service's own port (default `public`: internal services). Ignored when
   * AJX_METRICS_PORT moves the metrics to a port of their own.
   */
  metricsAccess?: RouteAccess;
}

/**
 * What every AJX process has: validated config, JSON logs, /metrics, /health/live and /health/ready over
 * exactly the infrastructure it uses.
 */
@Module({})
export class ServiceRuntimeModule {
  static forService<T extends CommonConfig>(o: ServiceRuntimeOptions<T>): DynamicModule {
    const imports: (DynamicModule | Type)[] = [
      AppConfigModule.forValue(o.schema, o.config),
      LoggingModule.forService(o.name),
      MetricsModule.forService(o.name, {
        serve: o.config.AJX_METRICS_PORT
          ? { on: 'port', host: o.config.AJX_METRICS_HOST, port: o.config.AJX_METRICS_PORT }
          : { on: 'api', access: o.metricsAccess ?? 'public' },
      }),
    ];
    const checks: Type<ReadinessCheck>[] = [];
    if (o.uses.kafka) {
      imports.push(MessagingModule.forService(`ajx-${o.name}`));
      checks.push(KafkaReadiness);
    }
    if (o.uses.postgres) {
      imports.push(DatabaseModule);
      checks.push(PostgresReadiness);
    }
    if (o.uses.redis) {
      imports.push(RedisModule);
      checks.push(RedisReadiness);
    }
    checks.push(...(o.readiness ?? []));
    imports.push(HealthModule.forChecks(checks));
    return { module: ServiceRuntimeModule, imports, exports: imports };
  }
}
