import { Client } from 'pg';

/** Drops the run's template database and every per-file copy of it (`<name>_<suffix>`). */
export async function dropRunDatabases(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^ajx_test_[a-z0-9]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test run database`);
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $1 || '\\_%'`,
      [name],
    );
    for (const r of rows.rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
