import { beijingDateOf, type CellMismatch } from '@ajx/interchange-protocol';
import { InterchangeStateRepository } from '@ajx/interchange-store';
import { startService, type StartedService, waitFor, withRevisedContent } from '@ajx/testing';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { InterchangeScheduler } from '../../../apps/interchange/src/scheduling/interchange-scheduler.service';
import { TestHub } from '../support/hub';
import {
  correctEvents,
  FaultRotation,
  interchangeEvents,
  provinceEventIds,
  SD_ENTERPRISES,
  SimulatorHandle,
  storeEvents,
} from '../support/interchange';

/*
 * The hub side of the provincial interchange on the real stack (PostgreSQL, Redis/BullMQ, the gateway) against two
 * province simulators that fail intermittently in every way they can: a real-time endpoint and a scheduled one (a
 * BullMQ job scheduler, cron every 2 s in Asia/Shanghai) each deliver every canonical event of Zhejiang — thousands,
 * some arriving while the faults go on, some corrected — once, in per-enterprise order, and nothing of Shandong.
 * A pull through the gateway gives the same set; a day the province finds incomplete is re-sent after its report.
 * The events are of every kind, accidents and claims (data standard v2) included: they flow in every mode, and the
 * manifests count them per kind.
 */
jest.setTimeout(600_000);

const SECRET_RT = 'zj-realtime-shared-secret-0123456789abcdef';
const SECRET_SCHED = 'zj-scheduled-shared-secret-0123456789abcdef';
const SECRET_SD = 'sd-pull-only-shared-secret-0123456789abcdef';
const DAY_MS = 86_400_000;

describe('interchange service: real-time and scheduled push with faults, pull, reconciliation', () => {
  // The gateway only needs the keys, provinces and principals of the endpoints (not their URLs).
  const hub = new TestHub('ichg', {
    services: ['gateway'],
    gateway: {
      AJX_INTERCHANGE_SENDER: 'hub-test',
      AJX_INTERCHANGE_ENDPOINTS: endpoints('http://127.0.0.1:9', 'http://127.0.0.1:9'),
    },
  });
  const rt = new SimulatorHandle(hub.ns, 'rt');
  const sched = new SimulatorHandle(hub.ns, 'sched');
  let interchange: StartedService;
  function endpoints(rtUrl: string, schedUrl: string): string {
    return JSON.stringify([
      {
        id: 'zj-rt',
        url: rtUrl,
        province: '33',
        principal: 'prov-zj',
        mode: 'realtime',
        keyId: 'zj-rt-2025',
        secret: SECRET_RT,
        batchSize: 50,
        timeoutMs: 1000,
      },
      {
        id: 'zj-sched',
        url: schedUrl,
        province: '33',
        principal: 'prov-zj',
        mode: 'scheduled',
        cron: '*/2 * * * * *',
        keyId: 'zj-sched-2025',
        secret: SECRET_SCHED,
        batchSize: 100,
        timeoutMs: 1000,
      },
      { id: 'sd', province: '37', principal: 'prov-sd', mode: 'off', keyId: 'sd-2025', secret: SECRET_SD },
    ]);
  }

  beforeAll(async () => {
    await hub.start();
    await hub.principal({ id: 'prov-zj', type: 'province', name: '浙江省安责险信息系统', regionCode: '330000' });
    await hub.principal({ id: 'prov-sd', type: 'province', name: '山东省安责险信息系统', regionCode: '370000' });
    await rt.start({
      databaseUrl: hub.databaseUrl,
      province: '33',
      secrets: `zj-rt-2025:${SECRET_RT}`,
      hubUrl: hub.url(),
    });
    await sched.start({
      databaseUrl: hub.databaseUrl,
      province: '33',
      secrets: `zj-sched-2025:${SECRET_SCHED}`,
      hubUrl: hub.url(),
    });
  });

  afterAll(async () => {
    await interchange?.close();
    await rt.stop();
    await sched.stop();
    await hub.stop();
  });

  it('delivers every event of the province once, in order, in both push modes, despite faults; pull agrees', async () => {
    const yesterday = new Date(Date.now() - DAY_MS);
    const zj = interchangeEvents(3000, { prefix: 'ZJ' });
    const sd = interchangeEvents(300, { prefix: 'SD', enterprises: SD_ENTERPRISES });
    // Yesterday's events are there before the service starts; today's arrive while it runs.
    for (let i = 0; i < 1500; i += 250) await storeEvents(hub.db, zj.slice(i, i + 250), yesterday);
    await storeEvents(hub.db, sd.slice(0, 150), yesterday);

    const rotations = [rt, sched].map(
      (sim) => new FaultRotation(sim, { probability: 0.3, everyMs: 250, timeoutDelayMs: 3000 }),
    );
    rotations.forEach((r) => r.start());
    interchange = await startService(
      interchangeService,
      hub.config(InterchangeConfig, {
        AJX_INTERCHANGE_SENDER: 'hub-test',
        AJX_INTERCHANGE_ENDPOINTS: endpoints(rt.url, sched.url),
        AJX_INTERCHANGE_POLL_MS: 100,
        AJX_INTERCHANGE_STANDBY_MS: 500,
        AJX_INTERCHANGE_RETRY_BASE_MS: 20,
        AJX_INTERCHANGE_RETRY_MAX_MS: 300,
      }),
    );
    for (let i = 1500; i < 3000; i += 100) {
      await storeEvents(hub.db, zj.slice(i, i + 100));
      if (i === 2000) await storeEvents(hub.db, sd.slice(150));
      await new Promise((r) => setTimeout(r, 50));
    }
    const delivered = async (what: string) => {
      const { ids, maxSeq } = await provinceEventIds(hub.db, '33');
      for (const sim of [rt, sched]) {
        await waitFor(async () => (await sim.stats()).watermark === maxSeq, {
          what: `the ${sim === rt ? 'real-time' : 'scheduled'} endpoint to deliver ${what} (up to seq ${maxSeq})`,
          timeoutMs: 300_000,
          intervalMs: 500,
        });
      }
      return { ids, maxSeq };
    };
    await delivered('the events');
    // An operator replay corrects some events already delivered: they go again, as corrections, at new seqs.
    const corrected = zj.filter((_, i) => i % 97 === 5).map((e) => withRevisedContent(e, '更正'));
    await correctEvents(hub.db, corrected);
    const { ids: zjIds, maxSeq } = await delivered('the corrections');
    expect(zjIds).toHaveLength(3000);
    await Promise.all(rotations.map((r) => r.stop()));
    console.log(
      `faults injected — real-time: ${rotations[0].total()} ${JSON.stringify(rotations[0].injected)}; ` +
        `scheduled: ${rotations[1].total()} ${JSON.stringify(rotations[1].injected)}`,
    );
    for (const r of rotations) expect(r.total()).toBeGreaterThanOrEqual(3);
    expect(rotations[0].total() + rotations[1].total()).toBeGreaterThanOrEqual(15);

    for (const sim of [rt, sched]) {
      expect(await sim.stats()).toMatchObject({
        entries: 3000 + corrected.length,
        distinctEvents: 3000,
        duplicateEntries: 0,
        corrections: corrected.length,
        orderViolations: 0,
      });
      const log = await sim.log();
      expect(new Set(log.map((r) => r.eventId))).toEqual(new Set(zjIds));
      expect(log.every((r) => r.region.startsWith('33'))).toBe(true);
      expect(
        log
          .filter((r) => r.correction)
          .map((r) => r.eventId)
          .sort(),
      ).toEqual(corrected.map((e) => e.id).sort());
    }
    // Lost acknowledgements were answered again, never logged twice; the scheduled endpoint ran on its scheduler.
    const batches = await hub.db.query<{ endpoint_id: string; mode: string; n: number; again: number }[]>(
      `SELECT endpoint_id, mode, count(*)::int AS n, count(*) FILTER (WHERE status = 'already-accepted')::int AS again
       FROM interchange_batches GROUP BY endpoint_id, mode ORDER BY endpoint_id`,
    );
    expect(batches).toEqual([
      expect.objectContaining({ endpoint_id: 'zj-rt', mode: 'realtime' }),
      expect.objectContaining({ endpoint_id: 'zj-sched', mode: 'scheduled' }),
    ]);
    expect(batches.reduce((n, b) => n + b.again, 0)).toBeGreaterThan(0);
    const [{ outbox }] = await hub.db.query<{ outbox: number }[]>(
      'SELECT count(*)::int AS outbox FROM interchange_outbox',
    );
    expect(outbox).toBe(0);

    // Pull (through the gateway, signed with the endpoint key) gives the same set.
    const pushed = await rt.log();
    expect((await rt.control('DELETE', '/log')).status).toBe(204);
    const pulled = await rt.control<{ entries: number; duplicateEntries: number }>('POST', '/pull');
    expect(pulled.body).toMatchObject({ entries: 3000, duplicateEntries: 0 });
    const pulledLog = await rt.log();
    expect(new Set(pulledLog.map((r) => r.eventId))).toEqual(new Set(pushed.map((r) => r.eventId)));
    expect(pulledLog.every((r) => r.region.startsWith('33'))).toBe(true);
    expect(await rt.stats()).toMatchObject({ orderViolations: 0, duplicateEntries: 0 });

    // Reconciliation of yesterday: the real-time province holds it all (it pulled it again) and agrees; the scheduled
    // one lost its log, answers a mismatch and reports it; the hub re-sends the day and the next manifest matches.
    expect((await sched.control('DELETE', '/log')).status).toBe(204);
    await interchange.app.get(InterchangeScheduler).manifestsDue();
    const day = beijingDateOf(yesterday);
    const state = new InterchangeStateRepository(hub.db);
    const manifests = await waitFor(
      async () => {
        const m = (await state.manifests()).filter((r) => r.date === day);
        const rtDay = m.find((r) => r.endpointId === 'zj-rt');
        const schedDay = m.find((r) => r.endpointId === 'zj-sched');
        return rtDay?.status === 'match' && schedDay?.status === 'match' ? { rtDay, schedDay } : undefined;
      },
      { what: `the manifests of ${day} to match`, timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(manifests.rtDay.attempts).toBeGreaterThanOrEqual(1);
    const resends = await state.resends('zj-sched');
    expect(resends).toEqual([
      expect.objectContaining({ date: day, attempt: 1, status: 'done', entries: 1500, requestedBy: 'prov-zj' }),
    ]);
    const reports = (
      await sched.control<{ date: string; status: string; hubStatus: number; cells: CellMismatch[] }[]>(
        'GET',
        '/reconciliation',
      )
    ).body;
    expect(reports).toEqual([expect.objectContaining({ date: day, status: 'sent', hubStatus: 202 })]);
    const schedLog = await sched.log();
    expect(schedLog).toHaveLength(1500);
    expect(new Set(schedLog.map((r) => r.acceptedDate))).toEqual(new Set([day]));
    expect(await sched.stats()).toMatchObject({ distinctEvents: 1500, duplicateEntries: 0, orderViolations: 0 });
    // The manifest counts every kind per insurer, accidents and claims (data standard v2) included.
    const [{ cells }] = await hub.db.query<{ cells: { insurer: string; kind: string; count: number }[] }[]>(
      `SELECT manifest->'cells' AS cells FROM interchange_manifests WHERE endpoint_id = 'zj-rt' AND date = $1`,
      [day],
    );
    const perCell = new Map<string, Set<string>>();
    for (const e of zj.slice(0, 1500)) {
      const k = `${e.insurer}|${e.dataschema.split(':')[2]}`;
      if (!perCell.has(k)) perCell.set(k, new Set());
      perCell.get(k)!.add(e.id);
    }
    expect(Object.fromEntries(cells.map((c) => [`${c.insurer}|${c.kind}`, c.count]))).toEqual(
      Object.fromEntries([...perCell].map(([k, ids]) => [k, ids.size])),
    );
    expect(new Set(cells.map((c) => c.kind))).toEqual(new Set(['policy', 'service', 'hazard', 'accident', 'claim']));
    // The manifest anchors the audit chain head.
    const [anchored] = await hub.db.query<{ anchor: unknown }[]>(
      `SELECT manifest->'auditAnchor' AS anchor FROM interchange_manifests WHERE endpoint_id = 'zj-rt' AND date = $1`,
      [day],
    );
    expect(anchored.anchor).toEqual(expect.objectContaining({ blockNo: expect.any(String), hash: expect.any(String) }));

    const status = (await (await fetch(`${interchange.url}/interchange/status`)).json()) as {
      endpoints: { id: string; watermark: number; here: { role: string } | null; halted: unknown }[];
    };
    expect(status.endpoints.map((e) => [e.id, e.watermark, e.here?.role ?? null, e.halted])).toEqual([
      ['zj-rt', maxSeq, 'active', null],
      ['zj-sched', maxSeq, 'active', null],
      ['sd', 0, null, null],
    ]);
  });
});
