import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@ajx/testing';
import { getJson, TestHub } from '../support/hub';

/*
 * Issue 24, the demo's simulated insurers: `ajx simulate` (the built CLI, as `scripts/demo.cjs` runs it) uploads files
 * of every kind by default, so a department sees accidents — some urgent — and claims in their states after a few
 * rounds (the demo runs a round every 5 s); `--kinds` narrows them, and an unknown kind is a usage error.
 */

const run = promisify(execFile);
const AJX = path.resolve(__dirname, '../../../bin/ajx.js');
const DEPARTMENT = 'sim-370800-emergency';

interface Item {
  subject: string;
  status: string;
  urgent: boolean;
}

describe('ajx simulate: the simulated insurers produce accidents and claims', () => {
  const hub = new TestHub('siminsurers', { services: ['gateway', 'normalizer', 'router'] });
  let tokensFile: string;
  let token: string;
  const simulate = (...args: string[]) =>
    run(process.execPath, [AJX, 'simulate', '--url', hub.url(), '--tokens', tokensFile, ...args], {
      timeout: 120_000,
    });
  const items = async (collection: string): Promise<Item[]> =>
    (await getJson(`${hub.url()}/v1/dept/${collection}?limit=500`, token)).body.items as Item[];

  beforeAll(async () => {
    await hub.start();
    const tokens: Record<string, { token: string }> = {};
    for (const insurer of ['PICC', 'PINGAN', 'CPIC', 'DADI'])
      tokens[insurer] = { token: await hub.principal({ id: insurer, type: 'insurer', name: insurer }) };
    tokensFile = path.join(hub.dir, 'tokens.json');
    fs.writeFileSync(tokensFile, JSON.stringify(tokens));
    token = await hub.principal({
      id: DEPARTMENT,
      type: 'department',
      name: '济宁市应急管理局',
      department: { kind: 'emergency', level: 'city', regionCode: '370800' },
    });
  });
  afterAll(() => hub.stop());

  it('refuses an unknown kind as a usage error', async () => {
    const failed = await simulate('--rounds', '1', '--kinds', 'policy,finding').catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        '--kinds: unknown record kind finding (known: policy, service, hazard, accident, claim)',
      ),
    });
  });

  it('uploads every kind by default: the department sees accidents, urgent ones flagged, and claims in their states', async () => {
    // Four rounds: PICC takes the kinds one file per round (accidents in round 3, claims in round 4); the other
    // insurers mix every kind in each file.
    await simulate('--rounds', '4', '--interval-ms', '100', '--records', '80', '--regions', '3708');
    const accidents = await waitFor(
      async () => ((await items('accidents')).length > 10 ? items('accidents') : undefined),
      {
        what: 'accidents in the department view',
        timeoutMs: 60000,
        intervalMs: 500,
      },
    );
    expect(accidents.some((a) => a.urgent)).toBe(true);
    const claims = await waitFor(async () => ((await items('claims')).length > 10 ? items('claims') : undefined), {
      what: 'claims in the department view',
      timeoutMs: 60000,
      intervalMs: 500,
    });
    expect(new Set(claims.map((c) => c.status)).size).toBeGreaterThanOrEqual(3);
    const urgentFeed = (await getJson(`${hub.url()}/v1/dept/feed?urgent=true&limit=500`, token)).body.items as {
      kind: string;
    }[];
    expect(urgentFeed.some((e) => e.kind === 'accident')).toBe(true);
  }, 180000);
});
