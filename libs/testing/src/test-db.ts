import { randomBytes } from 'node:crypto';
import { dataSourceOptions } from '@ajx/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { testRuntime } from './test-env';

/**
 * A database of its own for one test file: a copy of the run's migrated database (used as a template and never
 * connected to by tests), so files do not see each other's principals, batches or records.
 */
export async function createTestDatabase(): Promise<string> {
  const template = new URL(testRuntime().databaseUrl);
  const templateName = decodeURIComponent(template.pathname.slice(1));
  const name = `${templateName}_${randomBytes(4).toString('hex')}`;
  const admin = new URL(template.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await client.end();
  }
  const url = new URL(template.toString());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A DataSource on a database (close it in afterAll). */
export async function testDataSource(url: string): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 4, applicationName: 'ajx-test' }));
  await ds.initialize();
  return ds;
}
