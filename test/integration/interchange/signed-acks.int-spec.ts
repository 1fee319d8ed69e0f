import { CommonConfig } from '@ajx/config';
import { InterchangeStateRepository } from '@ajx/interchange-store';
import { envOf, startService, type StartedService, waitFor } from '@ajx/testing';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { TestHub } from '../support/hub';
import { interchangeEvents, provinceEventIds, SimulatorHandle, storeEvents } from '../support/interchange';
import { runCli } from '../support/kafka-users';

/*
 * Issue 21 item 3: the province signs its acknowledgements like its requests, and the hub refuses an
 * acknowledgement the province did not give. The simulator plays a party on the wire that answers every push with an
 * "accepted" acknowledgement (watermark = the batch's last seq) without recording anything — first signed with a key
 * the hub does not have, then not signed at all. The hub's watermark must not move and nothing may leave the outbox;
 * once the real province answers again, every event arrives exactly once.
 *
 * Item 7: a halted endpoint resumes with `ajx interchange resume ENDPOINT`, without restarting the interchange.
 */
jest.setTimeout(120_000);

const SECRET = 'sd-realtime-shared-secret-0123456789abcdef';

describe('signed interchange acknowledgements; resuming a halted endpoint', () => {
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

  it('resumes a halted endpoint with `ajx interchange resume` (no restart), audited', async () => {
    const state = new InterchangeStateRepository(hub.db);
    await state.halt('sd-rt', 'batch x: HTTP 400 INVALID_BATCH (test)');
    // The sender has seen the halt once its gauge says so (it is set from the state it just read).
    await waitFor(
      async () => ((await (await fetch(`${interchange!.url}/metrics`)).text()).includes(`ajx_interchange_halted{endpoint="sd-rt",service="interchange"} 1`) ? true : undefined), // prettier-ignore
      { what: 'the sender to see the halt', timeoutMs: 10_000 },
    );
    const more = interchangeEvents(30, {
      prefix: 'SB',
      enterprises: [{ uscc: '91370883MA3C5Q6X1B', region: '370883' }],
    });
    await storeEvents(hub.db, more);
    const { ids, maxSeq } = await provinceEventIds(hub.db, '37');
    const env = envOf(hub.config(CommonConfig));
    const unknown = runCli(['interchange', 'resume', 'no-such-endpoint'], env);
    expect([unknown.status, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('no interchange endpoint no-such-endpoint'),
    ]);
    const resumed = runCli(['interchange', 'resume', 'sd-rt'], env);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({
      endpoint: 'sd-rt',
      resumed: true,
      haltedReason: 'batch x: HTTP 400 INVALID_BATCH (test)',
    });
    await waitFor(async () => ((await endpointState()).watermark === maxSeq ? true : undefined), {
      what: 'the resumed endpoint to deliver the events stored while it was halted',
      timeoutMs: 30_000,
    });
    expect((await sim.log()).map((r) => r.eventId).sort()).toEqual([...ids].sort());
    const audited = await hub.db.query<{ outcome: string; target: string }[]>(
      `SELECT outcome, target FROM audit_entries WHERE action = 'interchange.resume' ORDER BY id`,
    );
    expect(audited).toEqual([{ outcome: 'ok', target: 'sd-rt' }]);
  });
});
