import { dataSourceOptions } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import { testRuntime } from './test-env';

/** A DataSource on the run's migrated test database (close it in afterAll). */
export async function testDataSource(): Promise<DataSource> {
  const ds = new DataSource(
    dataSourceOptions({ url: testRuntime().databaseUrl, poolSize: 4, applicationName: 'ajx-test' }),
  );
  await ds.initialize();
  return ds;
}
