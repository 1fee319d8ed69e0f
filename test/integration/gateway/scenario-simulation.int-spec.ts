import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInRulePackBySpec } from '@ajx/authz';
import { plantedAfter, supervisionScenario } from '@ajx/simulation';
import { readRegisterEntry, readSupervisionEvent, supervise, supervisionParameters } from '@ajx/supervision';
import { waitFor } from '@ajx/testing';
import { buildProgram, runProgram } from '../../../apps/cli/src/program';
import { getJson, TestHub } from '../support/hub';

/*
 * `ajx simulate --scenario` against a real gateway and normaliser: the city departments' registers are accepted
 * (with the risk deposit), every record of the history and of the ticks played is accepted and normalised, and the
 * supervision rules over what the hub then holds — with the hub's own acceptance times — find exactly the violations
 * the scenario planted. A refused register stops the command with the gateway's status, code and message.
 */

/** Today in Beijing: the hub stamps real acceptance times, and the scenario is built for the day they fall on. */
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const TICKS = 3;

describe('ajx simulate --scenario through the gateway', () => {
  const hub = new TestHub('scenario', { services: ['gateway', 'normalizer'], gateway: { AJX_RULE_PACK: 'jining@1' } });
  const tokensFile = path.join(os.tmpdir(), `ajx-scenario-tokens-${process.pid}.json`);
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await hub.start();
    for (const id of ['PICC', 'PINGAN', 'CPIC', 'DADI'])
      tokens[id] = await hub.principal({ id, type: 'insurer', name: id });
    const dept = (id: string, level: 'city' | 'county', regionCode: string) =>
      hub.principal({ id, type: 'department', name: id, department: { kind: 'emergency', level, regionCode } });
    tokens['sc-jn-emergency'] = await dept('sc-jn-emergency', 'city', '370800');
    tokens['sc-hz-emergency'] = await dept('sc-hz-emergency', 'city', '330100');
    tokens['sc-rencheng-emergency'] = await dept('sc-rencheng-emergency', 'county', '370811');
    const file = Object.fromEntries(
      Object.entries(tokens).map(([id, token]) => [id, { token, credentialId: id, expiresAt: '2099-01-01' }]),
    );
    fs.writeFileSync(tokensFile, JSON.stringify(file));
  });

  afterAll(async () => {
    fs.rmSync(tokensFile, { force: true });
    await hub.stop();
  });

  /** Runs the command in this process; returns its exit code and what it wrote on stderr. */
  async function simulate(args: string[]): Promise<{ code: number; err: string }> {
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(chunk.toString());
      return true;
    });
    const saved = process.exitCode;
    try {
      process.exitCode = undefined;
      await runProgram(buildProgram(), [
        'node',
        'ajx',
        'simulate',
        '--url',
        hub.url(),
        '--tokens',
        tokensFile,
        ...args,
      ]);
      return { code: Number(process.exitCode ?? 0), err: err.join('') };
    } finally {
      process.exitCode = saved;
      spy.mockRestore();
    }
  }

  it('submits the registers, delivers the history and the ticks; the rules over the hub find exactly the plants', async () => {
    const run = await simulate([
      '--scenario',
      ...['--today', TODAY, '--seed', 'it', '--per-county', '8', '--rounds', String(TICKS), '--interval-ms', '0'],
      ...['--register-as', '3708=sc-jn-emergency,3301=sc-hz-emergency', '--noise', '0.1', '--rejects-every', '2'],
    ]);
    expect(run).toEqual({ code: 0, err: expect.stringContaining(`${TICKS} ticks after the history`) as unknown });
    expect(run.err).toContain('register 3708: version 1 by sc-jn-emergency');

    const s = supervisionScenario({ seed: 'it', today: TODAY, enterprisesPerCounty: 8 });
    const delivered = s.history.length + s.ticks.slice(0, TICKS).flat().length;
    await waitFor(
      async () => {
        const [{ n }] = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM batch_outcomes`);
        return n >= delivered + 3;
      },
      { timeoutMs: 120_000, what: `${delivered + 3} outcomes` },
    );
    const outcomes = await hub.db.query<{ outcome: string; n: number }[]>(
      `SELECT outcome, count(*)::int AS n FROM batch_outcomes GROUP BY outcome ORDER BY outcome`,
    );
    // Every scenario record normalised; the three defective ones sent on purpose after tick 1 rejected.
    expect(outcomes).toEqual([
      { outcome: 'normalized', n: delivered },
      { outcome: 'rejected', n: 3 },
    ]);
    expect(run.err).toMatch(/tick 1: \w+ also sent 3 defective \w+ records \(expect rejects [A-Z_, ]+\)/);

    // The register as the hub answers it, the alternative included.
    const register = [];
    for (const dept of ['sc-jn-emergency', 'sc-hz-emergency']) {
      const page = await getJson(`${hub.url()}/v1/register?limit=1000`, tokens[dept]);
      register.push(...(page.body as { items: Record<string, unknown>[] }).items);
    }
    expect(register.length).toBe(s.register.length);
    expect(register.filter((e) => e.alternative === 'risk_deposit').length).toBe(
      s.register.filter((e) => e.alternative === 'risk_deposit').length,
    );

    // Every version the hub accepted, with its acceptance time, through the rules.
    const rows = await hub.db.query<
      { type: string; subject: string; business_time: string; data: unknown; accepted_at: Date }[]
    >(`SELECT type, subject, business_time, data, accepted_at FROM canonical_events ORDER BY seq`);
    expect(rows.length).toBe(delivered);
    const inputs = rows.map((r) =>
      readSupervisionEvent({
        specversion: '1.0',
        type: r.type,
        subject: r.subject,
        time: r.business_time,
        data: r.data,
        ajxacceptedat: r.accepted_at.toISOString(),
      }),
    );
    const { findings } = supervise(
      supervisionParameters(builtInRulePackBySpec('jining@1')),
      inputs,
      register.map(readRegisterEntry),
      TODAY,
    );
    const keys = (xs: { rule: string; key: string }[]) => xs.map((f) => `${f.rule} ${f.key}`).sort();
    expect(keys(findings)).toEqual(keys(plantedAfter(s, TICKS - 1)));
  });

  it('stops with the gateway’s status, code and message when a register is refused', async () => {
    const run = await simulate([
      '--scenario',
      ...['--today', TODAY, '--seed', 'it', '--per-county', '8', '--rounds', '1', '--interval-ms', '0'],
      ...['--regions', '3708', '--register-as', '3708=sc-rencheng-emergency'],
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /ajx: PUT \/v1\/dept\/register as sc-rencheng-emergency refused: 422 INVALID_REGISTER: \d+ of \d+ lines are invalid; nothing was recorded; line \d+ regionCode: 3708\d\d is outside the jurisdiction 370811 of sc-rencheng-emergency/,
    );
    const missing = await simulate(['--scenario', '--register-as', '3708=nobody', '--regions', '3708']);
    expect(missing).toEqual({ code: 2, err: expect.stringContaining('has no token for nobody') as unknown });
  });
});
