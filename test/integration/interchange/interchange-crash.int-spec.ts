import { InterchangeStateRepository } from '@ajx/interchange-store';
import { startService, waitFor } from '@ajx/testing';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { type ChildService, spawnService } from '@ajx/testing';
import { TestHub } from '../support/hub';
import { interchangeEvents, provinceEventIds, SimulatorHandle, storeEvents } from '../support/interchange';

/*
 * The interchange service killed with SIGKILL while a batch is in flight — once after the province recorded it but
 * before the acknowledgement came back, once while the province held the request without recording it — and
 * restarted: the real-time and the scheduled endpoint each end with every event delivered once, in order. The
 * scheduled run is asked for the way its job does it (in PostgreSQL) under a cron that does not fire during the
 * test, so finishing it after the restarts shows the run resumes from PostgreSQL. Runs the compiled service
 * (npm run build) as an OS process.
 */
jest.setTimeout(300_000);

const SECRET_RT = 'zj-realtime-shared-secret-0123456789abcdef';
const SECRET_SCHED = 'zj-scheduled-shared-secret-0123456789abcdef';

describe('interchange service killed mid-batch, and on several instances', () => {
  const hub = new TestHub('ichgcrash', { services: [] });
  const rt = new SimulatorHandle(hub.ns, 'crashrt');
  const sched = new SimulatorHandle(hub.ns, 'crashsched');
  let child: ChildService | null = null;

  beforeAll(async () => {
    await hub.start();
    await rt.start({ databaseUrl: hub.databaseUrl, province: '33', secrets: `zj-rt-2025:${SECRET_RT}` });
    await sched.start({ databaseUrl: hub.databaseUrl, province: '33', secrets: `zj-sched-2025:${SECRET_SCHED}` });
  });

  afterAll(async () => {
    await child?.kill('SIGKILL');
    await rt.stop();
    await sched.stop();
    await hub.stop();
  });

  it('loses nothing and duplicates nothing', async () => {
    const events = interchangeEvents(2000, { prefix: 'CR' });
    for (let i = 0; i < events.length; i += 500) await storeEvents(hub.db, events.slice(i, i + 500));
    const { ids, maxSeq } = await provinceEventIds(hub.db, '33');
    const config = hub.config(InterchangeConfig, {
      AJX_INTERCHANGE_PORT: 0,
      AJX_INTERCHANGE_SENDER: 'hub-test',
      AJX_INTERCHANGE_POLL_MS: 100,
      AJX_INTERCHANGE_RETRY_BASE_MS: 20,
      AJX_INTERCHANGE_RETRY_MAX_MS: 300,
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
        {
          id: 'zj-rt',
          url: rt.url,
          province: '33',
          principal: 'prov-zj',
          mode: 'realtime',
          keyId: 'zj-rt-2025',
          secret: SECRET_RT,
          batchSize: 100,
          timeoutMs: 120_000,
        },
        {
          id: 'zj-sched',
          url: sched.url,
          province: '33',
          principal: 'prov-zj',
          mode: 'scheduled',
          cron: '0 0 1 1 *',
          keyId: 'zj-sched-2025',
          secret: SECRET_SCHED,
          batchSize: 300,
          timeoutMs: 120_000,
        },
      ]),
    });
    const state = new InterchangeStateRepository(hub.db);
    await state.ensureEndpoint('zj-sched', '33');
    expect(await state.requestScheduledRun('zj-sched')).toBe(maxSeq);
    const outbox = () =>
      hub.db.query<{ endpoint_id: string; batch_id: string }[]>(
        'SELECT endpoint_id, batch_id FROM interchange_outbox ORDER BY endpoint_id',
      );
    const sims = [rt, sched];
    const killMidBatch = async (round: string) => {
      child = spawnService('interchange', config);
      // Each province holds the next request; with lose-ack it records the batch first, with timeout it does not.
      await waitFor(
        async () => {
          for (const sim of sims) {
            if ((await sim.faults()).injected < 1 || (await sim.stats()).batches < 1) return false;
          }
          return true;
        },
        { what: `${round}: a batch in flight at both provinces`, timeoutMs: 60_000, intervalMs: 100 },
      );
      // The first batch was recorded once (lose-ack), and never again (the held re-send is not recorded).
      for (const sim of sims) expect((await sim.stats()).batches).toBe(1);
      const inFlight = await outbox();
      expect(inFlight.map((r) => r.endpoint_id)).toEqual(['zj-rt', 'zj-sched']);
      await child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      return inFlight;
    };

    for (const sim of sims) await sim.setFaults({ mode: 'lose-ack', delayMs: 600_000, remaining: 1 });
    const first = await killMidBatch('first run');
    // Nothing was acknowledged: the watermarks have not moved, the batches wait in the outbox.
    expect((await state.endpoints()).map((e) => [e.endpointId, e.watermark])).toEqual([
      ['zj-rt', 0],
      ['zj-sched', 0],
    ]);

    for (const sim of sims) await sim.setFaults({ mode: 'timeout', delayMs: 600_000, remaining: 1 });
    const second = await killMidBatch('after the first restart');
    // The restarted service re-sent the very same batches (same ids), not new ones.
    expect(second).toEqual(first);

    for (const sim of sims) await sim.setFaults({ mode: 'none' });
    child = spawnService('interchange', config);
    for (const sim of sims) {
      await waitFor(async () => (await sim.stats()).watermark === maxSeq, {
        what: 'every event delivered after the restarts',
        timeoutMs: 120_000,
        intervalMs: 300,
      });
    }
    await child.kill('SIGTERM');

    for (const sim of sims) {
      const stats = await sim.stats();
      expect(stats).toMatchObject({
        entries: 2000,
        distinctEvents: 2000,
        duplicateEntries: 0,
        orderViolations: 0,
        redeliveries: 1,
      });
      expect(new Set((await sim.log()).map((r) => r.eventId))).toEqual(new Set(ids));
    }
    const again = await hub.db.query<{ endpoint_id: string; batch_id: string }[]>(
      `SELECT endpoint_id, batch_id FROM interchange_batches WHERE status = 'already-accepted' ORDER BY endpoint_id`,
    );
    expect(again).toEqual(first);
    expect(await outbox()).toEqual([]);
    const endpoints = await state.endpoints();
    expect(endpoints.map((e) => [e.endpointId, e.watermark, e.scheduledTarget])).toEqual([
      ['zj-rt', maxSeq, null],
      ['zj-sched', maxSeq, null],
    ]);
  });

  it('has one sender per endpoint across instances; a standby takes over from a stopped one', async () => {
    expect((await rt.control('DELETE', '/log')).status).toBe(204);
    await rt.setFaults({ mode: 'slow', delayMs: 100 });
    const { ids, maxSeq } = await provinceEventIds(hub.db, '33');
    const config = hub.config(InterchangeConfig, {
      AJX_INTERCHANGE_SENDER: 'hub-test',
      AJX_INTERCHANGE_POLL_MS: 100,
      AJX_INTERCHANGE_STANDBY_MS: 200,
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
        {
          id: 'zj-ha',
          url: rt.url,
          province: '33',
          principal: 'prov-zj',
          mode: 'realtime',
          keyId: 'zj-rt-2025',
          secret: SECRET_RT,
          batchSize: 50,
          timeoutMs: 10_000,
        },
      ]),
    });
    const instances = [await startService(interchangeService, config), await startService(interchangeService, config)];
    const roleOf = async (i: number) => {
      const status = (await (await fetch(`${instances[i].url}/interchange/status`)).json()) as {
        endpoints: { here: { role: string } }[];
      };
      return status.endpoints[0].here.role;
    };
    try {
      const roles = await waitFor(
        async () => {
          const r = [await roleOf(0), await roleOf(1)].sort();
          return r[0] === 'active' && r[1] === 'standby' ? r : undefined;
        },
        { what: 'one active sender and one on standby' },
      );
      expect(roles).toEqual(['active', 'standby']);
      await waitFor(async () => (await rt.stats()).batches >= 5, { what: 'a few batches delivered' });
      const active = (await roleOf(0)) === 'active' ? 0 : 1;
      await instances[active].close();
      await waitFor(async () => (await rt.stats()).watermark === maxSeq, {
        what: 'the standby to take over and deliver the rest',
        timeoutMs: 120_000,
        intervalMs: 300,
      });
      expect(await roleOf(1 - active)).toBe('active');
    } finally {
      for (const i of instances) await i.close().catch(() => undefined);
      await rt.setFaults({ mode: 'none' });
    }
    expect(await rt.stats()).toMatchObject({
      entries: 2000,
      distinctEvents: 2000,
      duplicateEntries: 0,
      orderViolations: 0,
    });
    expect(new Set((await rt.log()).map((r) => r.eventId))).toEqual(new Set(ids));
  });
});
