import { DeptProjectionWriter, type RecordKey } from '@ajx/dept-store';
import { waitFor } from '@ajx/testing';
import { TestHub } from '../support/hub';

/*
 * The router looks up what departments hold, and what it routed, for every record of every slice. On a table whose
 * statistics were missing or stale (a fresh store, a backfill, a server with autovacuum off) PostgreSQL planned those
 * lookups as a sort-merge or hash join over a sequential scan of the whole table — 40–100 ms a slice and growing with
 * the store, found by auto_explain during the benchmarks (docs/benchmarks.md, issue 18). They are index probes now,
 * whatever the statistics say (ADR 0011).
 */
describe('record lookups of the router', () => {
  const hub = new TestHub('lookups', { services: [] });
  let writer: DeptProjectionWriter;

  beforeAll(async () => {
    await hub.start();
    writer = new DeptProjectionWriter(hub.db);
    // 40,000 view rows and as many routed records that no statistics describe.
    for (const t of ['dept_views', 'route_records'])
      await hub.db.query(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
    await hub.db.query(
      `INSERT INTO dept_payloads (payload_id, data) VALUES ('00000000-0000-4000-8000-000000000001', '{}')`,
    );
    await hub.db.query(
      `INSERT INTO dept_views (department_id, kind, insurer, subject, version, event_id, action, uscc, region, sector,
         urgent, payload_id, business_time)
       SELECT 'd' || (g % 600), 'hazard', 'PICC', 'H' || (g / 6), 1, gen_random_uuid(), 'reported',
              '91330114932995319A', '330114', 'city_gas', false, '00000000-0000-4000-8000-000000000001',
              '2025-03-01T10:00:00+08:00'
       FROM generate_series(1, 40000) g`,
    );
    await hub.db.query(
      `INSERT INTO route_records (kind, insurer, subject, version, event_id)
       SELECT 'hazard', 'PICC', 'H' || g, 1, gen_random_uuid() FROM generate_series(1, 40000) g`,
    );
  });
  afterAll(() => hub.stop());

  /** Sequential and index scans of a table so far (the statistics of the other connections arrive within a second or so). */
  const scans = async (table: string) =>
    (
      await hub.db.query<{ seq: number; idx: number }[]>(
        `SELECT seq_scan::int AS seq, coalesce(idx_scan, 0)::int AS idx FROM pg_stat_user_tables WHERE relname = $1`,
        [table],
      )
    )[0];

  const keys: RecordKey[] = Array.from({ length: 900 }, (_, i) => ({
    kind: 'hazard',
    insurer: 'PICC',
    subject: `H${i * 7}`,
  }));

  it.each([
    ['dept_views', () => writer.holdings(keys)],
    ['route_records', () => writer.routed(keys)],
  ] as const)('probes %s by index for a slice of 900 records, never scanning the table', async (table, lookup) => {
    await hub.db.query(`SELECT pg_stat_force_next_flush()`);
    const before = await scans(table);
    const found = await lookup();
    expect(found.size).toBeGreaterThan(0);
    let after = before;
    await waitFor(
      async () => {
        after = await scans(table);
        return after.seq !== before.seq || after.idx !== before.idx;
      },
      { timeoutMs: 15_000, what: `the scans of ${table} counted` },
    );
    expect(after.seq - before.seq).toBe(0);
    expect(after.idx).toBeGreaterThan(before.idx);
  });
});
