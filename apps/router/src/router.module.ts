import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { CanonicalStoreModule } from '@ajx/canonical-store';
import { DeptStoreModule } from '@ajx/dept-store';
import { IdentityRepository } from '@ajx/identity';
import { ServiceRuntimeModule } from '@ajx/platform';
import { SupervisionStoreModule } from '@ajx/supervision-store';
import { CanonicalEventsHandler } from './canonical-events.handler';
import { DepartmentDirectory } from './department-directory.service';
import { ReprojectionService } from './reprojection.service';
import { RouterConfig } from './router.config';
import { RouterService } from './router.service';

@Module({})
export class RouterModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'router',
          schema: RouterConfig,
          config,
          uses: { kafka: true, postgres: true },
        }),
        AuditModule,
        DeptStoreModule,
        CanonicalStoreModule,
        SupervisionStoreModule,
      ],
      controllers: [CanonicalEventsHandler],
      providers: [IdentityRepository, DepartmentDirectory, RouterService, ReprojectionService],
    };
  }
}
