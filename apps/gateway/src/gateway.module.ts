import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '@ajx/audit';
import { DEPARTMENT_POLICY, IdentityModule } from '@ajx/identity';
import { rulePackDepartmentPolicy } from './admin/rule-pack-department.policy';
import { MetricsRegistry } from '@ajx/observability';
import { ServiceRuntimeModule } from '@ajx/platform';
import { FeedWakeups, HazardEscalationRepository, WebhookOutboxRepository } from '@ajx/dept-store';
import { DataSource } from 'typeorm';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuditSealingService } from './audit/audit-sealing.service';
import { AuthGuard } from './auth/auth.guard';
import { RateLimiter } from './auth/rate-limiter';
import { ThrottledRefusals } from './auth/throttled-refusals';
import { JsonBodyInterceptor } from './http/json-body';
import { GatewayConfig } from './gateway.config';
import { BatchRepository } from './ingest/batch.repository';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { UploadController } from './ingest/upload.controller';
import { UploadSessionRepository } from './ingest/upload-session.repository';
import { UploadSessionService } from './ingest/upload-session.service';
import { RawBatchPublisher } from './ingest/raw-batch.publisher';
import { UploadStore } from './ingest/upload-store';
import { DeptController } from './dept/dept.controller';
import { DeptReadDatabase } from './dept/dept-read.provider';
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
import {
  CanonicalFeedRepository,
  InterchangeStateRepository,
  RegisterIntake,
  RegisterRepository,
} from '@ajx/interchange-store';

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
          useFactory: () => rulePackDepartmentPolicy(config.rulePack()),
        }),
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
        BatchRepository,
        RawBatchPublisher,
        IngestService,
        UploadSessionRepository,
        UploadSessionService,
        {
          provide: DeptReadDatabase,
          inject: [GatewayConfig, MetricsRegistry],
          useFactory: async (c: GatewayConfig, metrics: MetricsRegistry) => {
            const read = new DeptReadDatabase(c, metrics);
            await read.connect();
            return read;
          },
        },
        DeptService,
        {
          provide: WebhookOutboxRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new WebhookOutboxRepository(db),
        },
        {
          provide: HazardEscalationRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new HazardEscalationRepository(db),
        },
        {
          provide: FeedWakeups,
          inject: [GatewayConfig],
          useFactory: async (c: GatewayConfig) => {
            const logger = new Logger(FeedWakeups.name);
            const w = new FeedWakeups(c.apiConnection(), (m) => logger.warn(m));
            await w.start();
            return w;
          },
        },
        FeedService,
        FeedStreamService,
        DeptWebhookService,
        HazardAckService,
        InterchangeAuthenticator,
        {
          provide: CanonicalFeedRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new CanonicalFeedRepository(db),
        },
        {
          provide: InterchangeStateRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new InterchangeStateRepository(db),
        },
        {
          provide: RegisterRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new RegisterRepository(db),
        },
        {
          provide: RegisterIntake,
          inject: [RegisterRepository],
          useFactory: (r: RegisterRepository) => new RegisterIntake(r),
        },
        InterchangeService,
        RegisterService,
      ],
    };
  }
}
