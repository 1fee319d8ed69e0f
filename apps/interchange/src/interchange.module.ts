import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { CanonicalStoreModule } from '@ajx/canonical-store';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { ServiceRuntimeModule } from '@ajx/platform';
import { InterchangeMetrics } from './delivery/interchange.metrics';
import { InterchangeSenders } from './delivery/interchange-senders.service';
import { ProvinceClient } from './delivery/province.client';
import { InterchangeConfig } from './interchange.config';
import { InterchangeScheduler } from './scheduling/interchange-scheduler.service';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';

@Module({})
export class InterchangeModule {
  static forRoot(config: InterchangeConfig): DynamicModule {
    return {
      module: InterchangeModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'interchange',
          schema: InterchangeConfig,
          config,
          uses: { kafka: false, postgres: true, redis: true },
        }),
        AuditModule,
        CanonicalStoreModule,
        InterchangeStoreModule,
      ],
      controllers: [StatusController],
      providers: [InterchangeMetrics, ProvinceClient, InterchangeSenders, InterchangeScheduler, StatusService],
    };
  }
}
