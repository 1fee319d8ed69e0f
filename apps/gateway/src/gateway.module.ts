import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '@ajx/audit';
import { builtInRulePackBySpec } from '@ajx/authz';
import { DEPARTMENT_POLICY, IdentityModule } from '@ajx/identity';
import { rulePackDepartmentPolicy } from './admin/rule-pack-department.policy';
import { ServiceRuntimeModule } from '@ajx/platform';
import { DeptReadModule, DeptStoreModule } from '@ajx/dept-store';
import { IngestStoreModule } from '@ajx/ingest-store';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuditSealingService } from './audit/audit-sealing.service';
import { AuthGuard } from './auth/auth.guard';
import { RateLimiter } from './auth/rate-limiter';
import { ThrottledRefusals } from './auth/throttled-refusals';
import { JsonBodyInterceptor } from './http/json-body';
import { GatewayConfig } from './gateway.config';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { UploadController } from './ingest/upload.controller';
import { UploadSessionService } from './ingest/upload-session.service';
import { RawBatchPublisher } from './ingest/raw-batch.publisher';
import { UploadStore } from './ingest/upload-store';
import { DeptController } from './dept/dept.controller';
import { DeptService } from './dept/dept.service';
import { DeptWebhookService } from './dept/dept-webhook.service';
import { FeedController } from './dept/feed.controller';
import { FeedStreamService } from './dept/feed-stream.service';
import { FeedService } from './dept/feed.service';
import { HazardAckService } from './dept/hazard-ack.service';
import { NotificationsAdminController } from './admin/notifications-admin.controller';
import { InterchangeAuthenticator } from './interchange/interchange-authenticator';
import { InterchangeController } from './interchange/interchange.controller';
import { InterchangeService } from './interchange/interchange.service';
import { RegisterController } from './register/register.controller';
import { RegisterService } from './register/register.service';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
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
        AuditModule,
        IdentityModule.register({
          provide: DEPARTMENT_POLICY,
          useFactory: () => rulePackDepartmentPolicy(builtInRulePackBySpec(config.AJX_RULE_PACK)),
        }),
        IngestStoreModule,
        DeptStoreModule,
        // Department reads run on the API's own pool as role ajx_api: the database isolates departments.
        DeptReadModule.forRoot({
          connection: {
            url: config.apiDatabaseUrl(),
            poolSize: config.AJX_DATABASE_POOL_SIZE,
            applicationName: 'ajx-gateway-dept',
          },
          wakeupsUrl: config.apiDatabaseUrl(),
        }),
        InterchangeStoreModule,
      ],
      // FeedController before DeptController: its fixed paths (feed, webhook) must win over `:collection`.
      controllers: [
        AdminController,
        NotificationsAdminController,
        IngestController,
        UploadController,
        FeedController,
        DeptController,
        InterchangeController,
        RegisterController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
        RateLimiter,
        ThrottledRefusals,
        AdminService,
        AuditSealingService,
        UploadStore,
        RawBatchPublisher,
        IngestService,
        UploadSessionService,
        DeptService,
        FeedService,
        FeedStreamService,
        DeptWebhookService,
        HazardAckService,
        InterchangeAuthenticator,
        InterchangeService,
        RegisterService,
      ],
    };
  }
}
