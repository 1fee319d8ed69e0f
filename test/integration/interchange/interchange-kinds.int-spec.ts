import { RECORD_KINDS } from '@ajx/contracts';
import { beijingDateOf } from '@ajx/interchange-protocol';
import { InterchangeStateRepository } from '@ajx/interchange-store';
import { startService, type StartedService, waitFor } from '@ajx/testing';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { InterchangeScheduler } from '../../../apps/interchange/src/scheduling/interchange-scheduler.service';
import { TestHub } from '../support/hub';
import { interchangeEvents, SimulatorHandle, storeEvents } from '../support/interchange';

/*
 * A provincial system still on data standard v1 (it would refuse accidents and claims as unknown types): its endpoint
 * names the kinds it receives (`kinds`), and the hub sends it exactly those — pushes in order, the watermark past the
 * kinds it does not take, and a daily manifest that counts only what it was sent, so reconciliation agrees.
 */
jest.setTimeout(300_000);

const SECRET = 'zj-v1-only-shared-secret-0123456789abcdef';
const V1_KINDS = ['policy', 'service', 'hazard'];
const DAY_MS = 86_400_000;

describe('interchange endpoint limited to the kinds its province takes', () => {
  const hub = new TestHub('ichgkinds', { services: [] });
  const sim = new SimulatorHandle(hub.ns, 'kinds');
  let interchange: StartedService | null = null;

  beforeAll(async () => {
    await hub.start();
    await sim.start({ databaseUrl: hub.databaseUrl, province: '33', secrets: `zj-v1-2025:${SECRET}` });
  });
  afterAll(async () => {
    await interchange?.close();
    await sim.stop();
    await hub.stop();
  });

  it('pushes policies, services and hazards only, and the day’s manifest agrees with what the province holds', async () => {
    const yesterday = new Date(Date.now() - DAY_MS);
    const events = interchangeEvents(600, { prefix: 'KN' });
    expect(new Set(events.map((e) => e.dataschema.split(':')[2]))).toEqual(new Set(RECORD_KINDS));
    await storeEvents(hub.db, events, yesterday);
    const v1 = events.filter((e) => V1_KINDS.includes(e.dataschema.split(':')[2]));
    const [{ last }] = await hub.db.query<{ last: string }[]>(
      `SELECT max(seq) AS last FROM canonical_events WHERE kind = ANY($1::text[])`,
      [V1_KINDS],
    );

    interchange = await startService(
      interchangeService,
      hub.config(InterchangeConfig, {
        AJX_INTERCHANGE_SENDER: 'hub-test',
        AJX_INTERCHANGE_POLL_MS: 100,
        AJX_INTERCHANGE_RETRY_BASE_MS: 20,
        AJX_INTERCHANGE_RETRY_MAX_MS: 300,
        AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
          {
            id: 'zj-v1',
            url: sim.url,
            province: '33',
            principal: 'prov-zj',
            mode: 'realtime',
            keyId: 'zj-v1-2025',
            secret: SECRET,
            batchSize: 50,
            // In any order: the hub keeps the data standard's.
            kinds: ['hazard', 'policy', 'service'],
          },
        ]),
      }),
    );
    const state = new InterchangeStateRepository(hub.db);
    await waitFor(
      async () => (await state.overview()).find((e) => e.endpointId === 'zj-v1')?.watermark === Number(last),
      {
        what: `the watermark at the last policy, service or hazard (seq ${last})`,
        intervalMs: 300,
      },
    );
    const log = await sim.log();
    expect(new Set(log.map((r) => r.kind))).toEqual(new Set(V1_KINDS));
    expect(log.map((r) => r.eventId).sort()).toEqual(v1.map((e) => e.id).sort());
    expect(await sim.stats()).toMatchObject({ duplicateEntries: 0, orderViolations: 0 });

    // Yesterday's manifest counts what this province takes: the simulator, checking it against its log, agrees.
    await interchange.app.get(InterchangeScheduler).manifestsDue();
    const day = beijingDateOf(yesterday);
    await waitFor(
      async () => (await state.manifests()).find((m) => m.endpointId === 'zj-v1' && m.date === day)?.status === 'match',
      { what: `the manifest of ${day} to match`, intervalMs: 300 },
    );
    const [{ cells }] = await hub.db.query<{ cells: { kind: string; count: number }[] }[]>(
      `SELECT manifest->'cells' AS cells FROM interchange_manifests WHERE endpoint_id = 'zj-v1' AND date = $1`,
      [day],
    );
    expect(new Set(cells.map((c) => c.kind))).toEqual(new Set(V1_KINDS));
    expect(cells.reduce((n, c) => n + c.count, 0)).toBe(v1.length);
    expect(await state.resends('zj-v1')).toEqual([]);
  });
});
