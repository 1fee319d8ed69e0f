import fs from 'node:fs';
import { RECORD_KINDS, type RecordKind } from '@ajx/contracts';
import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import type { SeedTokens } from './seed.command';

interface SimulateOptions {
  url: string;
  tokens: string;
  intervalMs: string;
  records: string;
  regions: string;
  defectRate: string;
  rounds: string;
  scenario?: boolean;
  today?: string;
  seed: string;
  perCounty: string;
  registerAs: string;
  noise: string;
  rejectsEvery: string;
  kinds: string;
}

/** The kinds to generate: a comma-separated list of record kinds, each known. */
function parseKinds(list: string): RecordKind[] {
  const kinds = list.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(RECORD_KINDS as readonly string[]).includes(k));
  if (unknown.length || !kinds.length)
    throw new CliError(
      `--kinds: unknown record kind ${unknown.join(', ')} (known: ${RECORD_KINDS.join(', ')})`,
      EXIT.usage,
    );
  return kinds as RecordKind[];
}

/** Today in Beijing (Asia/Shanghai, UTC+8 all year). */
function beijingToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function parseRegisterAs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d{4})=(\S+)$/.exec(part);
    if (!m) throw new CliError(`--register-as: ${JSON.stringify(part)} is not <city code>=<department id>`, EXIT.usage);
    out[m[1]] = m[2];
  }
  return out;
}

function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${name} must be an integer ≥ ${min}, got ${text}`, EXIT.usage);
  return n;
}

/**
 * Simulated insurers for the demo. By default every interval each insurer uploads a freshly generated native file
 * (random realistic records of the given regions, a few defective, of every kind of data standard v2: policies,
 * services, hazards, accidents — a few of them urgent — and claims in every state). With --scenario they play the supervision
 * scenario instead: the city departments submit the must-insure register, the insurers deliver the history, then
 * today's activity every interval (docs/supervision.md "The demo's scenario").
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulated insurers: upload generated native files to a running hub periodically')
    .requiredOption('--url <gateway>', 'e.g. http://127.0.0.1:3000')
    .requiredOption('--tokens <file>', 'tokens written by `ajx seed --tokens-out`')
    .option('--interval-ms <ms>', 'between rounds', '5000')
    .option('--records <n>', 'records per file (random mode)', '100')
    .option('--regions <prefixes>', 'region code prefixes of the enterprises (scenario: 3708 and/or 3301)', '3708,3301')
    .option('--defect-rate <p>', 'share of defective records (random mode)', '0.05')
    .option('--kinds <list>', 'record kinds to generate (random mode)', RECORD_KINDS.join(','))
    .option('--rounds <n>', 'stop after n rounds (scenario: ticks after the history; 0 = until interrupted)', '0')
    .option('--scenario', 'play the supervision scenario: register, history, then today’s activity')
    .option('--today <date>', 'scenario: the Beijing date it is built around (default today in Beijing)')
    .option('--seed <seed>', 'scenario: same seed and date, same scenario', 'demo')
    .option('--per-county <n>', 'scenario: enterprises per county (at least 8)', '16')
    .option(
      '--register-as <city=department,…>',
      'scenario: the department that submits each city’s register (PUT /v1/dept/register)',
      '3708=jn-emergency,3301=hz-emergency',
    )
    .option('--noise <p>', 'scenario: how often values are written the way real files do (the hub undoes it)', '0.05')
    .option(
      '--rejects-every <n>',
      'scenario: every n-th tick an insurer also sends 3 defective records (0 = never)',
      '10',
    )
    .action(async (o: SimulateOptions) => {
      let tokens: SeedTokens;
      try {
        tokens = JSON.parse(fs.readFileSync(o.tokens, 'utf8')) as SeedTokens;
      } catch (err) {
        throw new CliError(`cannot read ${o.tokens}: ${(err as Error).message}`, EXIT.usage);
      }
      let stop = false;
      const onSignal = () => (stop = true);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        if (o.scenario) await runScenario(o, tokens, () => stop);
        else await runRandom(o, tokens, () => stop);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Random mode: every interval each insurer uploads a freshly generated file (a few records defective). */
async function runRandom(o: SimulateOptions, tokens: SeedTokens, stopped: () => boolean): Promise<void> {
  const [{ simulateFile }, { fileParserFor, SUPPORTED_INSURERS }] = await Promise.all([
    import('@ajx/simulation'),
    import('@ajx/domain'),
  ]);
  const insurers = SUPPORTED_INSURERS.filter((i) => tokens[i]);
  if (!insurers.length) throw new CliError(`no insurer token in ${o.tokens}`, EXIT.usage);
  const kinds = parseKinds(o.kinds);
  const rounds = Number(o.rounds);
  for (let round = 1; !stopped() && (rounds === 0 || round <= rounds); round++) {
    for (const insurer of insurers) {
      const file = simulateFile({
        insurer,
        seed: `${Date.now()}-${insurer}-${round}`,
        records: Number(o.records),
        // PICC writes one kind per file: it goes through the kinds round by round.
        kind: kinds[round % kinds.length],
        kinds,
        regionPrefixes: o.regions.split(',').map((s) => s.trim()),
        defectRate: Number(o.defectRate),
        noise: 0.05,
      });
      const body = await file.bytes();
      const contentType = fileParserFor(insurer)!.contentTypes[0];
      try {
        const res = await fetch(`${o.url}/v1/ingest/${insurer}/files`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${tokens[insurer].token}` },
          body,
        });
        const answer = (await res.json()) as { batchId?: string; records?: number; code?: string; message?: string };
        process.stderr.write(
          res.ok
            ? `${insurer}: uploaded ${answer.records} records, batch ${answer.batchId}\n`
            : `${insurer}: upload refused: ${res.status} ${answer.code ?? ''}: ${answer.message ?? ''}\n`,
        );
      } catch (err) {
        process.stderr.write(`${insurer}: upload failed: ${(err as Error).message}\n`);
      }
    }
    if (!stopped()) await new Promise((r) => setTimeout(r, Number(o.intervalMs)));
  }
}

async function runScenario(o: SimulateOptions, tokens: SeedTokens, stopped: () => boolean): Promise<void> {
  const today = o.today ?? beijingToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || new Date(`${today}T00:00:00Z`).toISOString().slice(0, 10) !== today)
    throw new CliError(`--today must be a date YYYY-MM-DD, got ${today}`, EXIT.usage);
  const regions = o.regions.split(',').map((s) => s.trim());
  for (const r of regions)
    if (r !== '3708' && r !== '3301')
      throw new CliError(`--regions: the scenario holds 3708 (济宁) and 3301 (杭州), not ${r}`, EXIT.usage);
  const registerPrincipals = parseRegisterAs(o.registerAs);
  const needed = [
    ...regions.map((r) => registerPrincipals[r] ?? `(a department for ${r})`),
    'PICC',
    'PINGAN',
    'CPIC',
    'DADI',
  ];
  const missing = needed.filter((p) => !tokens[p]);
  if (missing.length) throw new CliError(`${o.tokens} has no token for ${missing.join(', ')}`, EXIT.usage);
  const [{ runScenarioSimulation }, { UploadRefusedError }] = await Promise.all([
    import('../simulate/scenario-simulation'),
    import('../simulate/gateway-uploader'),
  ]);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const outcome = await runScenarioSimulation({
      url: o.url,
      tokenOf: (p) => tokens[p].token,
      seed: o.seed,
      today,
      enterprisesPerCounty: count('--per-county', o.perCounty, 8),
      regions: regions as ('3708' | '3301')[],
      registerPrincipals,
      intervalMs: count('--interval-ms', o.intervalMs, 0),
      rounds: count('--rounds', o.rounds, 0),
      noise: Number(o.noise),
      rejectsEvery: count('--rejects-every', o.rejectsEvery, 0),
      log,
      stopped,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    log(
      `ajx simulate: ${outcome.ticks} ticks after the history, ${outcome.records} records in ${outcome.files} files` +
        (outcome.defective ? `, ${outcome.defective} defective on purpose` : '') +
        (outcome.refused ? `, ${outcome.refused} refused uploads` : ''),
    );
    if (outcome.refused) process.exitCode = EXIT.failure;
  } catch (err) {
    if (err instanceof UploadRefusedError) throw new CliError(err.message, EXIT.failure);
    throw err;
  }
}
