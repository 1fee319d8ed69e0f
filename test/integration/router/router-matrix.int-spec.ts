import { builtInRulePackBySpec, entitlementMatrix, maskRecord, matrixDepartmentId, MATRIX_REGIONS } from '@ajx/authz';
import { type CanonicalEvent, RECORD_KINDS, type RecordKind, Topics } from '@ajx/contracts';
import { DeptViewRepository, trustedDepartmentScope } from '@ajx/dept-store';
import { EventProducer } from '@ajx/messaging';
import { testDataSource, waitFor } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import { getJson, TestHub } from '../support/hub';
import { waitCommittedToEnd } from '../support/kafka-read';
import { eventFor, publishCanonical, storeCanonical } from '../support/records';

/*
 * Issue 7 on the real stack. Every department kind × level of the default pack (default@2: data standard v1 and v2),
 * every record kind × sector × region: each department sees exactly its entitled records, masked exactly as
 * specified — through the API and in the tables. Then isolation by the database alone, re-scoping, and
 * re-projection for a new department.
 */

const COLLECTION: Record<RecordKind, string> = {
  policy: 'policies',
  service: 'services',
  hazard: 'hazards',
  accident: 'accidents',
  claim: 'claims',
};
const PLURAL = (kind: RecordKind) => COLLECTION[kind];

describe('router: authorized fan-out into department views', () => {
  const pack = builtInRulePackBySpec('default@2');
  const matrix = entitlementMatrix(pack);
  const hub = new TestHub('router', { services: ['gateway', 'router'] });
  const tokens = new Map<string, string>();
  const events: CanonicalEvent[] = matrix.scopes.map((s, i) =>
    eventFor(s.kind, `M${String(i).padStart(4, '0')}`, s.regionCode, s.sector),
  );
  let producer: EventProducer;
  let apiDb: DataSource;

  beforeAll(async () => {
    await hub.start();
    for (const d of matrix.departments) {
      tokens.set(
        d.id,
        await hub.principal({
          id: d.id,
          type: 'department',
          name: d.name,
          department: { kind: d.kind, level: d.level, regionCode: d.regionCode },
        }),
      );
    }
    producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    await storeCanonical(hub.db, events);
    await publishCanonical(producer, events);
    const expectedRows = events.reduce(
      (n, e) => n + matrix.expectedEntitlements({ kind: kindOf(e), regionCode: e.region, sector: e.sector }).length,
      0,
    );
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM dept_views'))[0].n === expectedRows ||
        undefined,
      {
        what: `${expectedRows} view rows`,
        timeoutMs: 60000,
        intervalMs: 250,
      },
    );
    const apiUrl = new URL(hub.databaseUrl);
    apiUrl.username = 'ajx_api';
    apiDb = await testDataSource(apiUrl.toString());
  });
  afterAll(async () => {
    await producer?.disconnect();
    await apiDb?.destroy();
    await hub.stop();
  });

  const kindOf = (e: CanonicalEvent) => e.dataschema.split(':')[2] as RecordKind;

  it('gives every department exactly its entitled records, masked as specified — in the tables', async () => {
    const rows = await hub.db.query<{ department_id: string; subject: string; data: unknown }[]>(
      'SELECT v.department_id, v.subject, p.data FROM dept_views v JOIN dept_payloads p USING (payload_id)',
    );
    const byDept = new Map<string, Map<string, unknown>>();
    for (const r of rows) {
      if (!byDept.has(r.department_id)) byDept.set(r.department_id, new Map());
      byDept.get(r.department_id)!.set(r.subject, r.data);
    }
    for (const d of matrix.departments) {
      const expected = new Map<string, unknown>();
      for (const e of events) {
        const ent = matrix
          .expectedEntitlements({ kind: kindOf(e), regionCode: e.region, sector: e.sector })
          .find((x) => x.departmentId === d.id);
        if (ent) expected.set(e.subject, maskRecord(kindOf(e), e.data as never, ent));
      }
      expect({ department: d.id, rows: Object.fromEntries(byDept.get(d.id) ?? new Map()) }).toEqual({
        department: d.id,
        rows: Object.fromEntries(expected),
      });
    }
  });

  it('answers every department the same through the API (pages, one record, 404 outside its entitlement)', async () => {
    for (const d of matrix.departments) {
      const token = tokens.get(d.id)!;
      for (const kind of RECORD_KINDS) {
        const subjects: string[] = [];
        let after: string | null = null;
        do {
          const page = await getJson(
            `${hub.url()}/v1/dept/${PLURAL(kind)}?limit=50${after ? `&after=${after}` : ''}`,
            token,
          );
          expect(page.status).toBe(200);
          subjects.push(...page.body.items.map((i: { subject: string }) => i.subject));
          after = page.body.next;
        } while (after);
        const want = events
          .filter(
            (e) =>
              kindOf(e) === kind &&
              matrix
                .expectedEntitlements({ kind, regionCode: e.region, sector: e.sector })
                .some((x) => x.departmentId === d.id),
          )
          .map((e) => e.subject)
          .sort();
        expect({ d: d.id, kind, subjects: subjects.sort() }).toEqual({ d: d.id, kind, subjects: want });
      }
      const notMine = events.find(
        (e) =>
          !matrix
            .expectedEntitlements({ kind: kindOf(e), regionCode: e.region, sector: e.sector })
            .some((x) => x.departmentId === d.id),
      )!;
      expect((await getJson(`${hub.url()}/v1/dept/${PLURAL(kindOf(notMine))}/${notMine.subject}`, token)).status).toBe(
        404,
      );
    }
  });

  it('masks personal and commercial fields for the departments that must not see them', async () => {
    const policy = events.find(
      (e) => kindOf(e) === 'policy' && e.region === MATRIX_REGIONS.hangzhouShangcheng && e.sector === 'construction',
    )!;
    const construction = await getJson(
      `${hub.url()}/v1/dept/policies/${policy.subject}`,
      tokens.get(matrixDepartmentId('construction', '330102'))!,
    );
    expect(construction.body.data.premium).toEqual({ amountFen: null, adjustmentPct: null, factors: null });
    expect(construction.body.data.preventionFeeFen).toBeNull();
    expect(construction.body.data.contact).toEqual({ name: '张三丰', phone: '13812345678' });
    const regulator = await getJson(
      `${hub.url()}/v1/dept/policies/${policy.subject}`,
      tokens.get(matrixDepartmentId('financial_regulator', '330102'))!,
    );
    expect(regulator.body.data.contact).toEqual({ name: '张**', phone: '138****5678' });
    expect(regulator.body.data.premium.amountFen).toBe(1234500);
    const emergency = await getJson(
      `${hub.url()}/v1/dept/policies/${policy.subject}`,
      tokens.get(matrixDepartmentId('emergency', '330102'))!,
    );
    expect(emergency.body.data).toEqual(policy.data);
  });

  it('answers 403 to non-departments, an empty page to out-of-scope filters, 400 to bad filters', async () => {
    const insurer = await hub.principal({ id: 'PICC', type: 'insurer', name: 'PICC' });
    expect((await getJson(`${hub.url()}/v1/dept/policies`, insurer)).status).toBe(403);
    const county = tokens.get(matrixDepartmentId('emergency', '330102'))!;
    const outside = await getJson(`${hub.url()}/v1/dept/policies?region=3708`, county);
    expect(outside).toMatchObject({ status: 200, body: { items: [], next: null } });
    expect((await getJson(`${hub.url()}/v1/dept/policies?region=33%27%20OR%201=1--`, county)).status).toBe(400);
    expect((await getJson(`${hub.url()}/v1/dept/policies?after=not*a*cursor`, county)).status).toBe(400);
  });

  it('isolates departments in the database itself (RLS on the API role, application filter off)', async () => {
    const [role] = await apiDb.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: boolean }[]>(
      `SELECT r.rolsuper, r.rolbypassrls, EXISTS (SELECT 1 FROM pg_tables t WHERE t.tablename IN ('dept_views', 'dept_feed') AND t.tableowner = current_user) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owns: false });
    expect(await apiDb.query('SELECT * FROM dept_views')).toEqual([]); // no department set: nothing
    expect(await apiDb.query('SELECT * FROM dept_payloads')).toEqual([]);
    // A department sees exactly the payloads of its own feed entries, never another department's.
    await apiDb.transaction(async (tx) => {
      const county = matrixDepartmentId('construction', '330102');
      await tx.query(`SELECT set_config('ajx.department_id', $1, true)`, [county]);
      const visible = await tx.query<{ data: { enterprise: { name: string } } }[]>('SELECT data FROM dept_payloads');
      const own = await tx.query<{ n: number }[]>(
        'SELECT count(DISTINCT payload_id)::int AS n FROM dept_feed WHERE payload_id IS NOT NULL',
      );
      expect(visible.length).toBe(own[0].n);
    });
    const unfiltered = new DeptViewRepository(apiDb, { applicationFilter: false });
    for (const d of matrix.departments) {
      const rows = [];
      for (const kind of RECORD_KINDS)
        rows.push(...(await unfiltered.page(trustedDepartmentScope(d.id), kind, {}, null, 1000)));
      const entitledSubjects = new Set(
        events
          .filter((e) =>
            matrix
              .expectedEntitlements({ kind: kindOf(e), regionCode: e.region, sector: e.sector })
              .some((x) => x.departmentId === d.id),
          )
          .map((e) => e.subject),
      );
      expect(rows.every((r) => entitledSubjects.has(r.subject))).toBe(true);
      expect(rows).toHaveLength(entitledSubjects.size);
    }
    await expect(apiDb.query(`INSERT INTO dept_views (department_id) VALUES ('x')`)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('withdraws a record from departments that lose it when a newer version moves it', async () => {
    const e1 = eventFor('hazard', 'MOVE-1', MATRIX_REGIONS.hangzhouShangcheng, 'construction');
    const e2 = eventFor('hazard', 'MOVE-1', MATRIX_REGIONS.hangzhouXihu, 'construction', 2);
    // As the normaliser does: published, then stored (a department created later waits for what the store lacks).
    await publishCanonical(producer, [e1]);
    await storeCanonical(hub.db, [e1]);
    const cityConstruction = matrixDepartmentId('construction', '330100');
    const countyConstruction = matrixDepartmentId('construction', '330102');
    const holders = async () =>
      (
        await hub.db.query<{ department_id: string }[]>(
          `SELECT department_id FROM dept_views WHERE subject = 'MOVE-1' ORDER BY 1`,
        )
      ).map((r) => r.department_id);
    await waitFor(async () => (await holders()).includes(countyConstruction) || undefined, { what: 'MOVE-1 routed' });
    // Version 2: the enterprise is now in Xihu (same city, no county departments there).
    await publishCanonical(producer, [e2]);
    await storeCanonical(hub.db, [e2]);
    await waitFor(async () => !(await holders()).includes(countyConstruction) || undefined, {
      what: 'MOVE-1 withdrawn',
    });
    expect(await holders()).toContain(cityConstruction);
    const feed = await hub.db.query<{ entry: string }[]>(
      `SELECT entry FROM dept_feed WHERE department_id = $1 AND subject = 'MOVE-1' ORDER BY seq`,
      [countyConstruction],
    );
    expect(feed.map((f) => f.entry)).toEqual(['new', 'withdrawn']);
    // The stale version 1 arriving late changes nothing.
    await publishCanonical(producer, [e1]);
    await waitCommittedToEnd(
      hub.kafka,
      `${hub.ns.topicPrefix}ajx.router`,
      [hub.ns.topicPrefix + Topics.canonical],
      'the stale version',
    );
    expect(await holders()).not.toContain(countyConstruction);
  });

  it('audits the activation of the rule pack', async () => {
    const rows = await hub.db.query<{ target: string }[]>(
      `SELECT target FROM audit_entries WHERE action = 'rules.activate'`,
    );
    expect(rows.map((r) => r.target)).toEqual(['default@2']);
  });

  it('re-projects its history to a newly registered department', async () => {
    const id = 'late-330102-emergency';
    const token = await hub.principal({
      id,
      type: 'department',
      name: '后注册的应急局',
      department: { kind: 'emergency', level: 'county', regionCode: '330102' },
    });
    const twin = matrixDepartmentId('emergency', '330102');
    const want = (
      await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dept_views WHERE department_id = $1`, [twin])
    )[0].n;
    await waitFor(
      async () =>
        (
          await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dept_views WHERE department_id = $1`, [
            id,
          ])
        )[0].n === want || undefined,
      {
        what: 're-projection of the new department',
        timeoutMs: 30000,
      },
    );
    const page = await getJson(`${hub.url()}/v1/dept/hazards?limit=500`, token);
    expect(page.body.items.length).toBeGreaterThan(0);
  });
});
