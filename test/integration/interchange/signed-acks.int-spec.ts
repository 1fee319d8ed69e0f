import { startService, type StartedService, waitFor } from '@ajx/testing';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { TestHub } from '../support/hub';
import { interchangeEvents, provinceEventIds, SimulatorHandle, storeEvents } from '../support/interchange';

/*
 * Issue 21 item 3: the province signs its acknowledgements like its requests, and the hub refuses an
 * acknowledgement the province did not give. The simulator plays a party on the wire that answers every push with an
 * "accepted" acknowledgement (watermark = the batch's last seq) without recording anything — first signed with a key
 * the hub does not have, then not signed at all. The hub's watermark must not move and nothing may leave the outbox;
 * once the real province answers again, every event arrives exactly once.
 */
jest.setTimeout(120_000);

const SECRET = 'sd-realtime-shared-secret-0123456789abcdef';

describe('signed interchange acknowledgements', () => {
  const hub = new TestHub('signedacks', { services: [] });
  const sim = new SimulatorHandle(hub.ns, 'acks');
  let interchange: StartedService | null = null;

  beforeAll(async () => {
    await hub.start();
    await sim.start({ databaseUrl: hub.databaseUrl, province: '37', secrets: `sd-rt-2026:${SECRET}` });
  });
  afterAll(async () => {
    await interchange?.close();
    await sim.stop();
    await hub.stop();
  });

  const endpointState = async () => {
    const [row] = await hub.db.query<{ watermark: string }[]>(
      `SELECT watermark FROM interchange_endpoints WHERE endpoint_id = 'sd-rt'`,
    );
    const outbox = await hub.db.query<{ last_error: string | null; attempts: number }[]>(
      `SELECT last_error, attempts FROM interchange_outbox WHERE endpoint_id = 'sd-rt'`,
    );
    return { watermark: Number(row?.watermark ?? 0), outbox };
  };

  it('never moves the watermark on a forged or unsigned acknowledgement', async () => {
    const events = interchangeEvents(120, {
      prefix: 'SA',
      enterprises: [{ uscc: '91370883MA3C5Q6X1B', region: '370883' }],
    });
    await storeEvents(hub.db, events);
    const { ids, maxSeq } = await provinceEventIds(hub.db, '37');
    expect(ids).toHaveLength(120);
    await sim.setFaults({ mode: 'forge-ack' });
    interchange = await startService(
      interchangeService,
      hub.config(InterchangeConfig, {
        AJX_INTERCHANGE_SENDER: 'hub-test',
        AJX_INTERCHANGE_POLL_MS: 100,
        AJX_INTERCHANGE_RETRY_BASE_MS: 20,
        AJX_INTERCHANGE_RETRY_MAX_MS: 100,
        AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
          {
            id: 'sd-rt',
            url: sim.url,
            province: '37',
            principal: 'prov-sd',
            mode: 'realtime',
            keyId: 'sd-rt-2026',
            secret: SECRET,
            batchSize: 50,
            timeoutMs: 10_000,
          },
        ]),
      }),
    );
    for (const [mode, code] of [
      ['forge-ack', 'SIGNATURE_MISMATCH'],
      ['unsigned-ack', 'SIGNATURE_MISSING'],
    ] as const) {
      await sim.setFaults({ mode });
      await waitFor(async () => ((await sim.faults()).injected >= 3 ? true : undefined), {
        what: `three ${mode} answers`,
        timeoutMs: 30_000,
      });
      const state = await endpointState();
      expect(state.watermark).toBe(0);
      // The first batch is still in flight, refused with the specific code; the simulator recorded nothing.
      expect(state.outbox).toHaveLength(1);
      await waitFor(async () => ((await endpointState()).outbox[0]?.last_error?.includes(code) ? true : undefined), {
        what: `the refusal ${code} noted on the batch`,
        timeoutMs: 10_000,
      });
      expect((await sim.stats()).entries).toBe(0);
    }

    await sim.setFaults({ mode: 'none' });
    await waitFor(async () => ((await endpointState()).watermark === maxSeq ? true : undefined), {
      what: 'every event acknowledged by the real province',
      timeoutMs: 60_000,
    });
    const log = await sim.log();
    expect(log.map((r) => r.eventId).sort()).toEqual([...ids].sort());
    expect((await endpointState()).outbox).toEqual([]);
  });
});
