import { type DynamicModule, Module } from '@nestjs/common';
import { DeptStoreModule } from '@ajx/dept-store';
import { IdentityModule } from '@ajx/identity';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { ServiceRuntimeModule } from '@ajx/platform';
import { ReportStoreModule } from '@ajx/report-store';
import { SupervisionStoreModule } from '@ajx/supervision-store';
import { CanonicalEventsHandler } from './canonical-events.handler';
import { EnterpriseEvaluationService } from './evaluation/enterprise-evaluation.service';
import { FullEvaluationService } from './evaluation/full-evaluation.service';
import { FindingsPublisher } from './findings.publisher';
import { ReportGenerationService } from './reports/report-generation.service';
import { ReportScheduler } from './reports/report.scheduler';
import { StartCatchUp } from './start-catch-up';
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
        ReportStoreModule,
        DeptStoreModule,
        IdentityModule.register(),
      ],
      controllers: [CanonicalEventsHandler],
      providers: [
        SupervisorMetrics,
        SupervisionClock,
        StartCatchUp,
        EnterpriseEvaluationService,
        FullEvaluationService,
        FindingsPublisher,
        SupervisionService,
        SupervisionScheduler,
        RegisterWatcher,
        ReportGenerationService,
        ReportScheduler,
      ],
    };
  }
}
