import type { PgTls } from './pg-connection';
import { Client } from 'pg';

/** Creates the database named in the URL when it is missing (connecting to the `postgres` maintenance DB). */
export async function ensureDatabase(url: string, ssl?: false | PgTls): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`unsupported database name ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), ssl: ssl || undefined });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } catch (err) {
    // Two processes racing to create it is fine.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string, ssl?: false | PgTls): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`unsupported database name ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), ssl: ssl || undefined });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Gives the department API's role (`ajx_api`, created by the migrations) its password, so it can log in where the
 * server asks for one (the postgres image, any server with scram-sha-256 in pg_hba.conf).
 */
export async function setApiRolePassword(url: string, password: string, ssl?: false | PgTls): Promise<void> {
  const client = new Client({ connectionString: url, ssl: ssl || undefined });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ajx_api WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
}
