import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { plantedAfter, supervisionScenario } from '@ajx/simulation';
import { type ChildService, spawnService, waitFor } from '@ajx/testing';
import { buildProgram, runProgram } from '../../../apps/cli/src/program';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { TestHub } from '../support/hub';

/*
 * Issue 15: the supervisor killed (SIGKILL) in the middle of consuming and restarted changes nothing: it ends with the
 * findings the rules give on the scenario — exactly the violations the scenario planted — each finding opened once,
 * with contiguous versions, and no version stored twice. Runs the compiled service as a real process (npm run build).
 */

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('supervisor killed mid-batch', () => {
  const hub = new TestHub('svcrash', { services: ['gateway', 'normalizer'], gateway: { AJX_RULE_PACK: 'jining@2' } });
  const tokensFile = path.join(os.tmpdir(), `ajx-svcrash-tokens-${process.pid}.json`);
  let child: ChildService | null = null;

  const config = () =>
    hub.config(SupervisorConfig, {
      AJX_RULE_PACK: 'jining@2',
      AJX_SUPERVISION_AS_OF: TODAY,
      AJX_SUPERVISOR_BATCH: 50,
      AJX_SUPERVISOR_CONCURRENCY: 1,
      AJX_SUPERVISION_REGISTER_POLL_MS: 500,
      AJX_SUPERVISION_PUBLISH_POLL_MS: 500,
    });

  beforeAll(async () => {
    await hub.start();
    const tokens: Record<string, string> = {};
    for (const id of ['PICC', 'PINGAN', 'CPIC', 'DADI'])
      tokens[id] = await hub.principal({ id, type: 'insurer', name: id });
    const dept = (id: string, regionCode: string) =>
      hub.principal({ id, type: 'department', name: id, department: { kind: 'emergency', level: 'city', regionCode } });
    tokens['cr-jn'] = await dept('cr-jn', '370800');
    tokens['cr-hz'] = await dept('cr-hz', '330100');
    fs.writeFileSync(
      tokensFile,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(tokens).map(([id, token]) => [id, { token, credentialId: id, expiresAt: '2099-01-01' }]),
        ),
      ),
    );
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runProgram(buildProgram(), [
        ...['node', 'ajx', 'simulate', '--url', hub.url(), '--tokens', tokensFile, '--scenario'],
        ...['--today', TODAY, '--seed', 'crash', '--per-county', '8', '--rounds', '1', '--interval-ms', '0'],
        ...['--register-as', '3708=cr-jn,3301=cr-hz', '--rejects-every', '0', '--noise', '0'],
      ]);
    } finally {
      spy.mockRestore();
    }
  }, 600_000);

  afterAll(async () => {
    await child?.kill('SIGKILL');
    fs.rmSync(tokensFile, { force: true });
    await hub.stop();
  });

  it('ends with the planted findings, each opened once, every version stored once', async () => {
    const scenario = supervisionScenario({ seed: 'crash', today: TODAY, enterprisesPerCounty: 8 });
    // The history and the first tick of today (`--rounds 1`).
    const total = scenario.history.length + scenario.ticks[0].length;
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM canonical_events`))[0].n === total,
      { timeoutMs: 120_000, what: `${total} canonical events` },
    );
    const stored = async () =>
      (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM supervision_versions`))[0].n;

    child = spawnService('supervisor', config());
    await waitFor(async () => (await stored()) >= 200 || undefined, {
      timeoutMs: 120_000,
      what: '200 versions stored',
    });
    await child.kill('SIGKILL');
    const before = await stored();
    expect(before).toBeLessThan(total);

    child = spawnService('supervisor', config());
    await waitFor(async () => (await stored()) === total || undefined, {
      timeoutMs: 180_000,
      what: 'every version stored',
    });
    const planted = plantedAfter(scenario, 0)
      .map((p) => `${p.rule} ${p.key}`)
      .sort();
    const open = async () =>
      (
        await hub.db.query<{ k: string }[]>(
          `SELECT rule || ' ' || key AS k FROM supervision_findings WHERE state = 'open' ORDER BY 1`,
        )
      ).map((r) => r.k);
    // After the restart the start evaluation (register-only enterprises) and the remaining batches complete. Within a
    // minute: the killed instance claimed no job while it waited for the backlog, so none stays locked (2 min) by it.
    await waitFor(async () => JSON.stringify(await open()) === JSON.stringify(planted) || undefined, {
      timeoutMs: 60_000,
      what: 'the planted findings',
    });
    const history = await hub.db.query<{ finding_id: string; versions: number[]; changes: string[] }[]>(
      `SELECT finding_id, array_agg(version ORDER BY version) AS versions, array_agg(change ORDER BY version) AS changes
         FROM supervision_finding_history GROUP BY finding_id`,
    );
    for (const h of history) {
      expect(h.versions).toEqual(h.versions.map((_, i) => i + 1));
      expect(h.changes.filter((c) => c === 'opened')).toHaveLength(1);
    }
    expect(child.output()).not.toMatch(/unhandled|failed to start/);
  }, 600_000);
});
