import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ReportReadRepository, ReportsRepository } from './reports.repository';

/** The report store's writer on the service's connection pool (the owner of `reports`). */
@Module({ providers: [ReportsRepository], exports: [ReportsRepository] })
export class ReportStoreModule {}

/** A connection holder as an app provides it (the department API's pool of role `ajx_api`). */
export interface ReportReadConnection {
  readonly db: DataSource;
}

/** Registers {@link ReportReadRepository} on the connection the app names. */
@Module({})
export class ReportReadModule {
  static forConnection(connection: Type<ReportReadConnection>): DynamicModule {
    return {
      module: ReportReadModule,
      providers: [
        {
          provide: ReportReadRepository,
          inject: [connection],
          useFactory: (c: ReportReadConnection) => new ReportReadRepository(c.db),
        },
      ],
      exports: [ReportReadRepository],
    };
  }
}
