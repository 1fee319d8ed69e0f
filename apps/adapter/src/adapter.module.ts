import {
  type DynamicModule,
  Global,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AdapterMetrics, AdapterRunner } from '@ajx/ingest';
import { createKafkaFromConfig } from '@ajx/messaging';
import { MetricsRegistry, type ReadinessCheck } from '@ajx/observability';
import { ServiceRuntimeModule } from '@ajx/platform';
import { AdapterConfig } from './adapter.config';

/** Ready when the transactional producer is connected, checkpoints are loaded and the last scan had no error. */
@Injectable()
export class AdapterReadiness implements ReadinessCheck {
  readonly name = 'adapter';
  constructor(private readonly runner: AdapterRunner) {}

  check(): Promise<void> {
    const s = this.runner.status();
    return s.ready ? Promise.resolve() : Promise.reject(new Error(s.error ?? 'not ready'));
  }
}

@Injectable()
class AdapterLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly runner: AdapterRunner) {}
  onApplicationBootstrap(): void {
    this.runner.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}

@Global()
@Module({})
class AdapterRunnerModule {
  static forRoot(config: AdapterConfig): DynamicModule {
    return {
      module: AdapterRunnerModule,
      providers: [
        {
          provide: AdapterRunner,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) =>
            new AdapterRunner(
              createKafkaFromConfig(config, `ajx-adapter-${config.AJX_ADAPTER_INSURER}`),
              {
                insurer: config.AJX_ADAPTER_INSURER,
                dropDir: config.AJX_ADAPTER_DROP_DIR,
                settleMs: config.AJX_ADAPTER_SETTLE_MS,
                pollMs: config.AJX_ADAPTER_POLL_MS,
                chunkRecords: config.AJX_ADAPTER_CHUNK_RECORDS,
                topicPrefix: config.AJX_TOPIC_PREFIX,
              },
              new AdapterMetrics(metrics),
            ),
        },
        AdapterReadiness,
        AdapterLifecycle,
      ],
      exports: [AdapterRunner, AdapterReadiness],
    };
  }
}

@Module({})
export class AdapterModule {
  static forRoot(config: AdapterConfig): DynamicModule {
    return {
      module: AdapterModule,
      imports: [
        AdapterRunnerModule.forRoot(config),
        // No PostgreSQL, no Redis, and not the shared Kafka module: the adapter's only Kafka client is its own
        // transactional producer with the insurer's identity.
        ServiceRuntimeModule.forService({
          name: 'adapter',
          schema: AdapterConfig,
          config,
          uses: {},
          readiness: [AdapterReadiness],
        }),
      ],
    };
  }
}
