import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ReadinessCheck } from '@ajx/observability';
import { pgConnection } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { PROVINCE_SIM_MIGRATIONS } from './migrations';

/**
 * The simulator's PostgreSQL connection pool, confined to its own schema through the search_path, with its own
 * migrations table there. Opening it creates the schema and applies pending migrations.
 */
export class ProvinceSimDatabase implements OnApplicationShutdown {
  private constructor(readonly dataSource: DataSource) {}

  static async open(config: ProvinceSimulatorConfig): Promise<ProvinceSimDatabase> {
    const schema = config.AJX_PROVINCE_SIM_SCHEMA;
    const connection = pgConnection(config);
    const dataSource = new DataSource({
      type: 'postgres',
      url: connection.url,
      ssl: connection.ssl || undefined,
      applicationName: 'ajx-province-simulator',
      schema,
      entities: [],
      migrations: PROVINCE_SIM_MIGRATIONS,
      migrationsTableName: 'schema_migrations',
      migrationsTransactionMode: 'each',
      synchronize: false,
      migrationsRun: false,
      logging: ['error'],
      extra: {
        max: config.AJX_DATABASE_POOL_SIZE,
        connectionTimeoutMillis: 5000,
        idleTimeoutMillis: 30000,
        options: `-c search_path=${schema}`,
      },
    });
    await dataSource.initialize();
    try {
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } catch (err) {
      await dataSource.destroy();
      throw err;
    }
    return new ProvinceSimDatabase(dataSource);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Injectable()
export class ProvinceSimDatabaseReadiness implements ReadinessCheck {
  readonly name = 'postgres';
  constructor(private readonly db: ProvinceSimDatabase) {}

  async check(): Promise<void> {
    await this.db.dataSource.query('SELECT 1');
    if (await this.db.dataSource.showMigrations()) throw new Error('the simulator schema has pending migrations');
  }
}

@Global()
@Module({
  providers: [
    {
      provide: ProvinceSimDatabase,
      inject: [ProvinceSimulatorConfig],
      useFactory: (config: ProvinceSimulatorConfig) => ProvinceSimDatabase.open(config),
    },
    ProvinceSimDatabaseReadiness,
  ],
  exports: [ProvinceSimDatabase, ProvinceSimDatabaseReadiness],
})
export class ProvinceSimDatabaseModule {}
