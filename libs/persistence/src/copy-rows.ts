import type { EntityManager } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';

/** A value of a COPY row: text, a number, a boolean, a time, a JSON document (object) or NULL. */
export type CopyValue = string | number | boolean | Date | object | null | undefined;

/** Characters COPY's text format gives a meaning to: escaped with a backslash. */
const SPECIAL = /[\\\n\r\t]/;

/** Escapes text for COPY (most values have nothing to escape: tested first, as the router writes millions). */
function escaped(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
}

/** One field in COPY's text format (`\N` for NULL; objects as JSON, for json/jsonb columns). */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escaped(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  return escaped(JSON.stringify(v));
}

/** Rows in COPY's text format: tab-separated fields, one line per row. */
export function copyText(rows: Iterable<readonly CopyValue[]>): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i ? '\t' : '') + copyField(row[i]);
    out += '\n';
  }
  return out;
}

interface CopyClient {
  query(stream: NodeJS.WritableStream): NodeJS.WritableStream;
}

/**
 * Writes rows with `COPY table (columns) FROM STDIN` on the transaction's own connection (so they commit or roll back
 * with it). COPY skips the per-row parameter parsing of `INSERT … SELECT FROM jsonb_to_recordset` (the department
 * store's bulk writes: ADR 0011). The connection's role must not be subject to row-level security (COPY FROM refuses
 * it); the service roles bypass it anyway (docs/operations.md).
 */
export async function copyRows(
  tx: EntityManager,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const text = copyText(rows);
  if (!text) return;
  const runner = tx.queryRunner as unknown as { connect(): Promise<CopyClient> } | undefined;
  if (!runner) throw new Error('copyRows needs a transaction (an EntityManager with its own query runner)');
  const client = await runner.connect();
  await new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    stream.on('finish', () => resolve());
    stream.on('error', reject);
    stream.end(text);
  });
}
