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
      controllers: [AdminController, IngestController, DeptController],
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
      ],
    };
  }
}
