import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { DeptReadConnection, DeptReadModule } from '@ajx/dept-store';
import { MetricsRegistry } from '@ajx/observability';
import { registerPoolMetrics } from '@ajx/persistence';
import { ServiceRuntimeModule } from '@ajx/platform';
import { AdminModule } from './admin/admin.module';
import { AuditSealingModule } from './audit/audit-sealing.module';
import { AuthModule } from './auth/auth.module';
import { ConsoleModule } from './console/console.module';
import { DeptModule } from './dept/dept.module';
import { GatewayConfig } from './gateway.config';
import { HttpModule } from './http/http.module';
import { IngestModule } from './ingest/ingest.module';
import { InterchangePullModule } from './interchange/interchange-pull.module';
import { RegisterModule } from './register/register.module';
import { SupervisionModule } from './supervision/supervision.module';
import { ReportsModule } from './reports/reports.module';

/**
 * The gateway: the service runtime, the connections the features share, the HTTP edge and authentication, then one
 * module per feature. A feature module owns its controllers, services and DTOs (`<feature>/`, `<feature>/dto/`) and
 * imports the store modules it reads (libs/*-store). Add a feature by adding its module to FEATURES; their order is
 * the order their routes are registered (and listed in the OpenAPI document).
 */
// SupervisionModule before DeptModule: its fixed paths under /v1/dept (findings, figures, enterprises …) must win
// over DeptModule's `/v1/dept/:collection`; so must ReportsModule's /v1/dept/reports.
const FEATURES = [
  AdminModule,
  ConsoleModule,
  IngestModule,
  SupervisionModule,
  ReportsModule,
  DeptModule,
  InterchangePullModule,
  RegisterModule,
];

/** The department API's own pool in the pool metrics (`ajx_db_pool_*{pool="api"}`), beside the service pool. */
@Injectable()
class ApiPoolMetrics {
  constructor(read: DeptReadConnection, metrics: MetricsRegistry) {
    registerPoolMetrics(metrics, 'api', read.db);
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const api = config.apiConnection();
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'gateway',
          schema: GatewayConfig,
          config,
          uses: { kafka: true, postgres: true, redis: true },
          metricsAccess: config.AJX_METRICS_ACCESS,
        }),
        // Department reads run on the API's own pool as role ajx_api (its password from its file, the service's
        // TLS settings): the database isolates departments.
        DeptReadModule.forRoot({
          connection: { ...api, poolSize: config.AJX_DATABASE_POOL_SIZE, applicationName: 'ajx-gateway-dept' },
          wakeups: api,
        }),
        HttpModule,
        AuthModule,
        AuditSealingModule,
        ...FEATURES,
      ],
      providers: [ApiPoolMetrics],
    };
  }
}
