import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@ajx/audit';
import { builtInRulePackBySpec } from '@ajx/authz';
import { DEPARTMENT_POLICY, IdentityModule } from '@ajx/identity';
import { rulePackDepartmentPolicy } from './admin/rule-pack-department.policy';
import { ServiceRuntimeModule } from '@ajx/platform';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuditSealingService } from './audit/audit-sealing.service';
import { AuthGuard } from './auth/auth.guard';
import { RateLimiter } from './auth/rate-limiter';
import { GatewayConfig } from './gateway.config';
import { BatchRepository } from './ingest/batch.repository';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { RawBatchPublisher } from './ingest/raw-batch.publisher';
import { UploadStore } from './ingest/upload-store';
import { DeptController } from './dept/dept.controller';
import { DeptReadDatabase } from './dept/dept-read.provider';
import { DeptService } from './dept/dept.service';
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
import { DataSource } from 'typeorm';

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
        }),
        AuditModule,
        IdentityModule.register({
          provide: DEPARTMENT_POLICY,
          useFactory: () => rulePackDepartmentPolicy(builtInRulePackBySpec(config.AJX_RULE_PACK)),
        }),
      ],
      controllers: [AdminController, IngestController, DeptController, InterchangeController, RegisterController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        RateLimiter,
        AdminService,
        AuditSealingService,
        UploadStore,
        BatchRepository,
        RawBatchPublisher,
        IngestService,
        {
          provide: DeptReadDatabase,
          inject: [GatewayConfig],
          useFactory: async (c: GatewayConfig) => {
            const read = new DeptReadDatabase(c);
            await read.connect();
            return read;
          },
        },
        DeptService,
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
