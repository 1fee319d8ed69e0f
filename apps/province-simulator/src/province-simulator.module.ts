import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@ajx/platform';
import { ControlController } from './control/control.controller';
import { ControlService } from './control/control.service';
import { LoopbackOnlyGuard } from '@ajx/platform';
import { DeliveryLogRepository } from './database/delivery-log.repository';
import { ProvinceSimDatabaseModule, ProvinceSimDatabaseReadiness } from './database/province-sim.database';
import { BatchIntakeService } from './interchange/batch-intake.service';
import { FaultInjectionInterceptor } from './interchange/fault-injection.interceptor';
import { FaultInjector } from './interchange/fault-injector';
import { HubClient } from './interchange/hub.client';
import { InterchangeController } from './interchange/interchange.controller';
import { ManifestCheckService } from './interchange/manifest-check.service';
import { PullService } from './interchange/pull.service';
import { ReconciliationReporter } from './interchange/reconciliation-reporter';
import { RequestAuthenticator } from './interchange/request-authenticator';
import { SignedAnswerInterceptor } from './interchange/signed-answer.interceptor';
import { SignaturePruner } from './interchange/signature-pruner';
import { ProvinceSimulatorConfig } from './province-simulator.config';

@Module({})
export class ProvinceSimulatorModule {
  static forRoot(config: ProvinceSimulatorConfig): DynamicModule {
    return {
      module: ProvinceSimulatorModule,
      imports: [
        // It owns its database schema (not the hub's): its own pool, migrations and readiness check.
        ServiceRuntimeModule.forService({
          name: 'province-simulator',
          schema: ProvinceSimulatorConfig,
          config,
          uses: {},
          readiness: [ProvinceSimDatabaseReadiness],
        }),
        ProvinceSimDatabaseModule,
      ],
      controllers: [InterchangeController, ControlController],
      providers: [
        RequestAuthenticator,
        DeliveryLogRepository,
        BatchIntakeService,
        ManifestCheckService,
        ReconciliationReporter,
        HubClient,
        PullService,
        FaultInjector,
        FaultInjectionInterceptor,
        SignedAnswerInterceptor,
        SignaturePruner,
        ControlService,
        LoopbackOnlyGuard,
      ],
    };
  }
}
