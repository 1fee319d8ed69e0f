import { type DynamicModule, Module } from '@nestjs/common';
import { CanonicalSnapshotRepository, DeptProjectionWriter, ProjectionJobsRepository } from '@ajx/dept-store';
import { AuditModule } from '@ajx/audit';
import { IdentityRepository } from '@ajx/identity';
import { ServiceRuntimeModule } from '@ajx/platform';
import { DataSource } from 'typeorm';
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
      ],
      controllers: [CanonicalEventsHandler],
      providers: [
        IdentityRepository,
        {
          provide: DeptProjectionWriter,
          inject: [DataSource],
          useFactory: (db: DataSource) => new DeptProjectionWriter(db),
        },
        {
          provide: ProjectionJobsRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new ProjectionJobsRepository(db),
        },
        {
          provide: CanonicalSnapshotRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new CanonicalSnapshotRepository(db),
        },
        DepartmentDirectory,
        RouterService,
        ReprojectionService,
      ],
    };
  }
}
