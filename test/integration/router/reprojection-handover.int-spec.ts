import { randomUUID } from 'node:crypto';
import {
  DeptProjectionWriter,
  ProjectionJobsRepository,
  type RoutedWrite,
  type PlannedHandOver,
  RoutingMovedError,
  StaleDirectoryError,
  type ViewChange,
} from '@ajx/dept-store';
import { EventProducer } from '@ajx/messaging';
import { waitFor } from '@ajx/testing';
import { findingEventId } from '../../../apps/router/src/router.service';
import { TestHub } from '../support/hub';
import { eventFor, publishCanonical, storeCanonical } from '../support/records';

/*
 * Issue 21, item 1: a department created while its records are routed live. Its re-projection (from the canonical
 * store) and live routing used to plan from holdings read before the other committed: the department's feed got a
 * version twice, or an older version after a newer one. Both now write a record's views under that record's lock and
 * keep only what is still upward; live routing planned with a directory missing a department just queued plans again.
 * The re-projection projects each record only up to the version live routing has routed (checked under the lock; a
 * record routed since it planned is planned again): projecting the store's newer version made live routing drop the
 * versions in between, and the department's feed missed them. A department created later also gets the supervision
 * findings changed before it existed.
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
  // The first tests route HO… records by hand, with events no store holds: a later department's job would wait for
  // them (a record routed live ahead of the store, see below).
  afterEach(async () => {
    await hub.db.query(`DELETE FROM route_records WHERE kind = 'hazard' AND subject ~ '^HO[0-9]+$'`);
  });

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
  const handOver = (subject: string, version: number | null): PlannedHandOver => ({
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    routed: version === null ? null : { version, eventId: eventId(subject, version) },
  });
  const feedOf = async (departmentId: string, subject?: string) =>
    (
      await hub.db.query<{ subject: string; version: number; entry: string }[]>(
        `SELECT subject, version, entry FROM dept_feed WHERE department_id = $1 AND ($2::text IS NULL OR subject = $2)
         ORDER BY seq`,
        [departmentId, subject ?? null],
      )
    ).map((r) => (subject ? `${r.version}:${r.entry}` : `${r.subject}:${r.version}:${r.entry}`));

  const jobOf = async (departmentId: string) =>
    (
      await hub.db.query<{ status: string; error: string | null }[]>(
        `SELECT status, error FROM projection_jobs WHERE department_id = $1`,
        [departmentId],
      )
    )[0] as { status: string; error: string | null } | undefined;

  /** A county emergency management office registered now (its re-projection job is queued). */
  const emergencyOffice = (id: string, name: string, regionCode: string) =>
    hub.principal({ id, type: 'department', name, department: { kind: 'emergency', level: 'county', regionCode } });
  /** The department's job once it has said what it waits for. */
  const jobWaiting = (departmentId: string, what: string) =>
    waitFor(
      async () => {
        const job = await jobOf(departmentId);
        return job?.error ? job : undefined;
      },
      { what, timeoutMs: 30_000 },
    );

  it('writes nothing of a page live routing routed since it was planned: those records are planned again', async () => {
    // The re-projection read route_records at v1 and planned `new` v1; live routing then routed v2 to the department.
    await writer.apply([change('HO1', 1, 'ho-a', 'new')], [routed('HO1', 1)]);
    await writer.apply([change('HO1', 2, 'ho-a', 'updated')], [routed('HO1', 2)]);
    const refused = writer.apply([change('HO1', 1, 'ho-a', 'new'), change('HO5', 1, 'ho-a', 'new')], [], [], {
      reprojection: [handOver('HO1', 1), handOver('HO5', null)],
    });
    await expect(refused).rejects.toBeInstanceOf(RoutingMovedError);
    await expect(refused).rejects.toHaveProperty('moved', ['hazard\u0000PICC\u0000HO1']);
    // A record planned as not routed that live routing routed meanwhile is planned again too.
    await writer.apply([], [routed('HO5', 1)]);
    await expect(writer.apply([], [], [], { reprojection: [handOver('HO5', null)] })).rejects.toHaveProperty('moved', [
      'hazard\u0000PICC\u0000HO5',
    ]);
    expect(await feedOf('ho-a', 'HO1')).toEqual(['1:new', '2:updated']);
  });

  it('writes a version once when live routing and the re-projection both planned it, in either order', async () => {
    // Live first, then the re-projection planned from holdings read before live committed.
    await writer.apply([change('HO2', 1, 'ho-a', 'new')], [routed('HO2', 1)]);
    expect(
      await writer.apply([change('HO2', 1, 'ho-a', 'new')], [], [], { reprojection: [handOver('HO2', 1)] }),
    ).toEqual([]);
    // Live routing routed v1 before ho-a existed; ho-a's re-projection projects it, then live routing routes v2 from
    // holdings read before the re-projection committed (`new`): written as what it is now, `updated`.
    await writer.apply([change('HO3', 1, 'ho-b', 'new')], [routed('HO3', 1)]);
    await writer.apply([change('HO3', 1, 'ho-a', 'new')], [], [], { reprojection: [handOver('HO3', 1)] });
    await writer.apply([change('HO3', 2, 'ho-a', 'new'), change('HO3', 2, 'ho-b', 'updated')], [routed('HO3', 2)]);
    expect(await feedOf('ho-a', 'HO2')).toEqual(['1:new']);
    expect(await feedOf('ho-a', 'HO3')).toEqual(['1:new', '2:updated']);
    expect(await feedOf('ho-b', 'HO3')).toEqual(['1:new', '2:updated']);
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

  it('a department whose job meets a store ahead of live routing gets every version, in order, once', async () => {
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    const region = '330105';
    const department = 'ho-330105-emergency';
    const versions = (subject: string, from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => eventFor('hazard', subject, region, 'construction', from + i));
    const routedVersion = async (subject: string) =>
      (
        await hub.db.query<{ version: number }[]>(
          `SELECT version FROM route_records WHERE kind = 'hazard' AND insurer = 'PICC' AND subject = $1`,
          [subject],
        )
      )[0]?.version;
    try {
      // HOR1: v1 routed live (before the department exists); v2 and v3 are in the store but not routed yet — the
      // router is behind the topic. HOR2: v1..v3 in the store, none routed yet.
      await publishCanonical(producer, versions('HOR1', 1, 1));
      await storeCanonical(hub.db, versions('HOR1', 1, 1));
      await waitFor(async () => (await routedVersion('HOR1')) === 1 || undefined, { what: 'HOR1 v1 routed' });
      await storeCanonical(hub.db, [...versions('HOR1', 2, 3), ...versions('HOR2', 1, 3)]);

      await hub.principal({
        id: department,
        type: 'department',
        name: '拱墅区应急管理局',
        department: { kind: 'emergency', level: 'county', regionCode: region },
      });
      await waitFor(
        async () =>
          (
            await hub.db.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM projection_jobs WHERE department_id = $1 AND status = 'done'`,
              [department],
            )
          )[0].n === 1 || undefined,
        { what: 'the department’s re-projection', timeoutMs: 30_000 },
      );
      // The re-projection handed over at what live routing had routed: v1 of HOR1, nothing of HOR2.
      expect(await feedOf(department, 'HOR1')).toEqual(['1:new']);
      expect(await feedOf(department, 'HOR2')).toEqual([]);

      // Live routing catches up with the topic.
      await publishCanonical(producer, [...versions('HOR1', 2, 3), ...versions('HOR2', 1, 3)]);
    } finally {
      await producer.disconnect();
    }
    await waitFor(
      async () =>
        (
          await hub.db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM dept_views WHERE department_id = $1 AND version = 3`,
            [department],
          )
        )[0].n === 2 || undefined,
      { what: 'the department at v3 of both records', timeoutMs: 30_000 },
    );
    expect(await feedOf(department, 'HOR1')).toEqual(['1:new', '2:updated', '3:updated']);
    expect(await feedOf(department, 'HOR2')).toEqual(['1:new', '2:updated', '3:updated']);
  });

  it('a department whose job starts while a record routed live is not in the store yet waits for it', async () => {
    // The normaliser publishes, then writes the store; stopped in between (killed, or its broker away), a record is
    // routed live — to the departments that exist — long before the store has it. A department created meanwhile
    // found it on no page of its re-projection, and live routing never routes that version again: it lacked the record
    // for good (a chaos run: two departments created during a broker outage missed one insurer's file).
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    const region = '330108';
    const department = 'ho-330108-emergency';
    const event = eventFor('hazard', 'HOS1', region, 'construction', 1);
    const job = () => jobOf(department);
    try {
      await publishCanonical(producer, [event]);
      await waitFor(
        async () =>
          (
            await hub.db.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM route_records WHERE kind = 'hazard' AND subject = 'HOS1'`,
            )
          )[0].n === 1 || undefined,
        { what: 'HOS1 routed live' },
      );
      await emergencyOffice(department, '滨江区应急管理局', region);
      const waiting = await jobWaiting(department, 'the job waiting for the store');
      expect(waiting.status).not.toBe('done');
      expect(waiting.error).toContain('not in the canonical store yet (hazard PICC/HOS1 v1');
      expect(await feedOf(department, 'HOS1')).toEqual([]);
      // The normaliser's store write lands.
      await storeCanonical(hub.db, [event]);
    } finally {
      await producer.disconnect();
    }
    await waitFor(async () => (await job())?.status === 'done' || undefined, {
      what: 'the department’s re-projection',
      timeoutMs: 30_000,
    });
    expect(await feedOf(department, 'HOS1')).toEqual(['1:new']);
  });

  it('a department whose job starts while a routing that missed it is still committing waits for that routing', async () => {
    // Live routing checked the directory before the department's job was queued and commits after the job started:
    // the record it routes without the department is not in route_records when the job looks, nor in the store.
    const region = '330109';
    const department = 'ho-330109-emergency';
    const event = eventFor('hazard', 'HOT1', region, 'construction', 1);
    const job = () => jobOf(department);
    const routing = hub.db.createQueryRunner();
    await routing.connect();
    try {
      await routing.startTransaction();
      // As DeptProjectionWriter.apply does for live routing: its transaction id taken as it checks the directory.
      await routing.query(`SELECT pg_current_xact_id()`);
      await emergencyOffice(department, '萧山区应急管理局', region);
      const waiting = await jobWaiting(department, 'the job waiting for the routing in progress');
      expect(waiting.error).toContain('transactions in progress when the job started');
      await routing.query(
        `INSERT INTO route_records (kind, insurer, subject, version, event_id) VALUES ($1, $2, $3, 1, $4)`,
        ['hazard', 'PICC', 'HOT1', event.id],
      );
      await routing.commitTransaction();
    } finally {
      if (routing.isTransactionActive) await routing.rollbackTransaction();
      await routing.release();
    }
    await waitFor(async () => ((await job())?.error?.includes('hazard PICC/HOT1 v1') ? true : undefined), {
      what: 'the job waiting for HOT1 in the store',
      timeoutMs: 30_000,
    });
    await storeCanonical(hub.db, [event]);
    await waitFor(async () => (await job())?.status === 'done' || undefined, {
      what: 'the department’s re-projection',
      timeoutMs: 30_000,
    });
    expect(await feedOf(department, 'HOT1')).toEqual(['1:new']);
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
    // Live routing routed the finding at v2 (before the department existed). A second finding is at v2 in the
    // supervision store and was routed at v1 only: its v2 is still to be routed live, to the department too, so the
    // re-projection leaves it alone (the store keeps no whole v1 of it).
    const behind = randomUUID();
    await hub.db.query(
      `INSERT INTO supervision_findings (finding_id, rule, key, severity, insurer, uscc, region, sector, facts, message,
         state, opened_at, evaluated_on, version, published_version)
       VALUES ($1, 'PARTIAL_HEADCOUNT', $2, 'violation', 'PICC', '91330106MA2B0X2K4A', $3, 'construction',
         '{"services": 0}', '一年内未提供事故预防服务', 'open', now(), '2026-03-02', 2, 1)`,
      [behind, `ho-${behind}`, REGION],
    );
    await hub.db.query(
      `INSERT INTO route_records (kind, insurer, subject, version, event_id)
       VALUES ('finding', '', $1, 2, $2), ('finding', '', $3, 1, $4)`,
      [findingId, findingEventId(findingId, 2), behind, findingEventId(behind, 1)],
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
    await waitFor(
      async () =>
        (
          await hub.db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM projection_jobs WHERE department_id = $1 AND status = 'done'`,
            [department],
          )
        )[0].n === 1 || undefined,
      { what: 'the department’s re-projection', timeoutMs: 30_000 },
    );
    expect(await feedOf(department, behind)).toEqual([]);
  });
});
