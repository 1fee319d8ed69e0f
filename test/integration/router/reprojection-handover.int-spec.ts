import { randomUUID } from 'node:crypto';
import {
  DeptProjectionWriter,
  ProjectionJobsRepository,
  type RoutedWrite,
  StaleDirectoryError,
  StoreBehindRoutingError,
  type ViewChange,
} from '@ajx/dept-store';
import { EventProducer } from '@ajx/messaging';
import { waitFor } from '@ajx/testing';
import { TestHub } from '../support/hub';
import { eventFor, publishCanonical, storeCanonical } from '../support/records';

/*
 * Issue 21, item 1: a department created while its records are routed live. Its re-projection (the latest state of
 * each record, from the canonical store) and live routing used to plan from holdings read before the other committed:
 * the department's feed got a version twice, or an older version after a newer one. Both now write a record's views
 * under that record's lock and keep only what is still upward; a re-projection that read the store behind live
 * routing projects the page again later; live routing planned with a directory missing a department just queued plans
 * again. A department created later also gets the supervision findings changed before it existed.
 */

const REGION = '330106';

describe('re-projection hands over to live routing exactly', () => {
  const hub = new TestHub('handover', { services: ['router'] });
  let writer: DeptProjectionWriter;

  beforeAll(async () => {
    await hub.start();
    writer = new DeptProjectionWriter(hub.db);
  });
  afterAll(() => hub.stop());

  const eventId = (subject: string, version: number) =>
    `00000000-0000-5000-8000-${(subject.replace(/\D/g, '') + String(version)).padStart(12, '0')}`;
  const change = (subject: string, version: number, departmentId: string, entry: ViewChange['entry']): ViewChange => ({
    departmentId,
    entry,
    urgent: false,
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version,
    eventId: eventId(subject, version),
    data: { hazardId: subject, version },
    action: 'updated',
    uscc: '91330114932995319A',
    region: REGION,
    sector: 'city_gas',
    status: 'open',
    level: 'general',
    businessTime: '2025-03-01T10:00:00+08:00',
    acceptedAt: new Date(),
  });
  const routed = (subject: string, version: number): RoutedWrite => ({
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version,
    eventId: eventId(subject, version),
  });
  const feedOf = async (departmentId: string, subject?: string) =>
    (
      await hub.db.query<{ subject: string; version: number; entry: string }[]>(
        `SELECT subject, version, entry FROM dept_feed WHERE department_id = $1 AND ($2::text IS NULL OR subject = $2)
         ORDER BY seq`,
        [departmentId, subject ?? null],
      )
    ).map((r) => (subject ? `${r.version}:${r.entry}` : `${r.subject}:${r.version}:${r.entry}`));

  it('never writes an older version after a newer one: a re-projection that read the store behind live routing waits', async () => {
    // The re-projection read v1 from the store and planned `new` v1; live routing then routed v2 to the department.
    const reprojected = [change('HO1', 1, 'ho-a', 'new')];
    await writer.apply([change('HO1', 2, 'ho-a', 'new')], [routed('HO1', 2)]);
    await expect(writer.apply(reprojected, [], [], { reprojection: true })).rejects.toBeInstanceOf(
      StoreBehindRoutingError,
    );
    expect(await feedOf('ho-a', 'HO1')).toEqual(['2:new']);
  });

  it('writes a version once when live routing and the re-projection both planned it, in either order', async () => {
    // Live first, then the re-projection planned from holdings read before live committed.
    await writer.apply([change('HO2', 1, 'ho-a', 'new')], [routed('HO2', 1)]);
    expect(await writer.apply([change('HO2', 1, 'ho-a', 'new')], [], [], { reprojection: true })).toEqual([]);
    // The re-projection first, then live routing planned before it committed (a department entitled to both).
    await writer.apply([change('HO3', 1, 'ho-a', 'new')], [], [], { reprojection: true });
    const live = await writer.apply(
      [change('HO3', 1, 'ho-a', 'new'), change('HO3', 1, 'ho-b', 'new')],
      [routed('HO3', 1)],
    );
    expect(live.map((c) => c.departmentId)).toEqual(['ho-b']);
    // A newer version planned as `new` from stale holdings is written as what it is now: `updated`.
    await writer.apply([change('HO3', 2, 'ho-a', 'new')], [routed('HO3', 2)]);
    expect(await feedOf('ho-a', 'HO2')).toEqual(['1:new']);
    expect(await feedOf('ho-a', 'HO3')).toEqual(['1:new', '2:updated']);
    expect(await feedOf('ho-b', 'HO3')).toEqual(['1:new']);
  });

  it('refuses live routing planned with a directory that misses a department queued since', async () => {
    const jobs = new ProjectionJobsRepository(hub.db);
    const lastJobId = await jobs.lastJobId();
    const directory = { lastJobId, departmentIds: ['ho-a'] };
    await writer.apply([], [routed('HO4', 1)], [], { directory });
    await jobs.enqueueForNewDepartments(['ho-new']);
    await expect(writer.apply([], [routed('HO4', 2)], [], { directory })).rejects.toBeInstanceOf(StaleDirectoryError);
    // With the department known (or refused as invalid) the write goes through.
    await writer.apply([], [routed('HO4', 2)], [], {
      directory: { lastJobId: await jobs.lastJobId(), departmentIds: ['ho-a', 'ho-new'] },
    });
  });

  it('a department created while records flow gets each version at most once, in order, and ends at the latest', async () => {
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    const department = 'ho-330106-emergency';
    // Enough records that the re-projection takes several pages while the next versions are routed live.
    const subjects = Array.from({ length: 1500 }, (_, i) => `HOL${i}`);
    const versions = 8;
    let created = false;
    try {
      for (let v = 1; v <= versions; v++) {
        const events = subjects.map((s) => eventFor('hazard', s, REGION, 'construction', v));
        // As the normaliser does: publish, then write the store.
        await publishCanonical(producer, events);
        await storeCanonical(hub.db, events);
        if (v === 2 && !created) {
          created = true;
          await hub.principal({
            id: department,
            type: 'department',
            name: '西湖区应急管理局',
            department: { kind: 'emergency', level: 'county', regionCode: REGION },
          });
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await producer.disconnect();
    }
    const views = async () =>
      (
        await hub.db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM dept_views WHERE department_id = $1 AND version = $2`,
          [department, versions],
        )
      )[0].n;
    await waitFor(async () => (await views()) === subjects.length || undefined, {
      what: 'the new department at the latest version of every record',
      timeoutMs: 60_000,
    });
    const feed = await feedOf(department);
    const bySubject = new Map<string, number[]>();
    for (const e of feed) {
      const [subject, version] = e.split(':');
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), Number(version)]);
    }
    for (const s of subjects) {
      const seen = bySubject.get(s) ?? [];
      // Strictly increasing: no version twice, none older after a newer; the last is the latest.
      expect({ s, seen: seen.filter((v, i) => i > 0 && v <= seen[i - 1]) }).toEqual({ s, seen: [] });
      expect({ s, last: seen[seen.length - 1] }).toEqual({ s, last: versions });
    }
    // Each entry says what it is: `new` first, `updated` after.
    for (const s of subjects) {
      const entries = feed.filter((e) => e.startsWith(`${s}:`)).map((e) => e.split(':')[2]);
      expect(entries).toEqual(['new', ...entries.slice(1).map(() => 'updated')]);
    }
  });

  it('a department created later gets the findings changed before it existed', async () => {
    const findingId = randomUUID();
    await hub.db.query(
      `INSERT INTO supervision_findings (finding_id, rule, key, severity, insurer, uscc, region, sector, facts, message,
         state, opened_at, evaluated_on, version, published_version)
       VALUES ($1, 'PARTIAL_HEADCOUNT', $2, 'violation', 'PICC', '91330106MA2B0X2K4A', $3, 'construction',
         '{"services": 0}', '一年内未提供事故预防服务', 'open', now(), '2026-03-02', 2, 2)`,
      [findingId, `ho-${findingId}`, REGION],
    );
    await hub.db.query(
      `INSERT INTO supervision_finding_history (finding_id, version, change, actor, state, facts, message)
       VALUES ($1, 1, 'opened', 'system:supervisor', 'open', '{"services": 0}', '一年内未提供事故预防服务'),
              ($1, 2, 'updated', 'system:supervisor', 'open', '{"services": 0}', '一年内未提供事故预防服务')`,
      [findingId],
    );
    const department = 'ho-330106-housing';
    await hub.principal({
      id: department,
      type: 'department',
      name: '西湖区住房和城乡建设局',
      department: { kind: 'construction', level: 'county', regionCode: REGION },
    });
    const view = await waitFor(
      async () =>
        (
          await hub.db.query<{ version: number; status: string; level: string }[]>(
            `SELECT version, status, level FROM dept_views WHERE department_id = $1 AND kind = 'finding' AND subject = $2`,
            [department, findingId],
          )
        )[0],
      { what: 'the finding in the later department’s view', timeoutMs: 30_000 },
    );
    expect(view).toEqual({ version: 2, status: 'open', level: 'PARTIAL_HEADCOUNT' });
    expect(await feedOf(department, findingId)).toEqual(['2:new']);
  });
});
