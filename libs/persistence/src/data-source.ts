import type { PgTls } from './pg-connection';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** TLS options (`pgConnection(config).ssl`); none by default. */
  ssl?: false | PgTls;
  poolSize?: number;
  applicationName?: string;
  entities?: DataSourceOptions['entities'];
}

/** PostgreSQL options shared by the Nest module, the CLI and the test harness. Never `synchronize`. */
export function dataSourceOptions(s: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: s.url,
    ssl: s.ssl || undefined,
    applicationName: s.applicationName ?? 'ajx',
    entities: s.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: s.poolSize ?? 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  };
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(url: string, ssl?: false | PgTls): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions({ url, ssl, applicationName: 'ajx-migrate' }));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
