import { type DynamicModule, Module } from '@nestjs/common';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { ServiceRuntimeModule } from '@ajx/platform';
import { SupervisionStoreModule } from '@ajx/supervision-store';
import { CanonicalEventsHandler } from './canonical-events.handler';
import { EnterpriseEvaluationService } from './evaluation/enterprise-evaluation.service';
import { FullEvaluationService } from './evaluation/full-evaluation.service';
import { FindingsPublisher } from './findings.publisher';
import { SupervisionClock } from './supervision-clock';
import { RegisterWatcher, SupervisionScheduler } from './supervision.scheduler';
import { SupervisionService } from './supervision.service';
import { SupervisorConfig } from './supervisor.config';
import { SupervisorMetrics } from './supervisor.metrics';

@Module({})
export class SupervisorModule {
  static forRoot(config: SupervisorConfig): DynamicModule {
    return {
      module: SupervisorModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'supervisor',
          schema: SupervisorConfig,
          config,
          uses: { kafka: true, postgres: true, redis: true },
        }),
        SupervisionStoreModule,
        InterchangeStoreModule,
      ],
      controllers: [CanonicalEventsHandler],
      providers: [
        SupervisorMetrics,
        SupervisionClock,
        EnterpriseEvaluationService,
        FullEvaluationService,
        FindingsPublisher,
        SupervisionService,
        SupervisionScheduler,
        RegisterWatcher,
      ],
    };
  }
}
