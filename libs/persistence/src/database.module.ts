import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonConfig } from '@ajx/config';
import { MetricsRegistry, type ReadinessCheck } from '@ajx/observability';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { pgConnection } from './pg-connection';
import { registerPoolMetrics } from './pool-metrics';

@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
    // A service on a database without its schema is not ready: it would fail on first write.
    if (await this.dataSource.showMigrations())
      throw new Error('database has pending migrations (run: ajx db migrate)');
  }
}

/** Exports the service pool's connections and size (`ajx_db_pool_*{pool="service"}`). */
@Injectable()
export class ServicePoolMetrics {
  constructor(dataSource: DataSource, metrics: MetricsRegistry) {
    registerPoolMetrics(metrics, 'service', dataSource);
  }
}

/** The service's PostgreSQL connection pool (TypeORM DataSource). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [CommonConfig],
      useFactory: (config: CommonConfig) => ({
        ...dataSourceOptions({ ...pgConnection(config), poolSize: config.AJX_DATABASE_POOL_SIZE }),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [PostgresReadiness, ServicePoolMetrics],
  exports: [PostgresReadiness],
})
export class DatabaseModule {}
