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

/**
 * Simulated insurers for the demo: every interval each insurer uploads a freshly generated native file (realistic
 * records of the given regions, a few defective) to the gateway with its own token, as an insurer's IT would. By
 * default the files hold every kind of data standard v2 — policies, services, hazards, accidents (a few of them
 * urgent) and claims in every state; PICC, one kind per file, goes through the kinds round by round.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulated insurers: upload generated native files to a running hub periodically')
    .requiredOption('--url <gateway>', 'e.g. http://127.0.0.1:3000')
    .requiredOption('--tokens <file>', 'tokens written by `ajx seed --tokens-out`')
    .option('--interval-ms <ms>', 'between rounds', '5000')
    .option('--records <n>', 'records per file', '100')
    .option('--regions <prefixes>', 'region code prefixes of the enterprises', '3708,3301')
    .option('--defect-rate <p>', 'share of defective records', '0.05')
    .option('--rounds <n>', 'stop after n rounds (0 = until interrupted)', '0')
    .option('--kinds <list>', 'record kinds to generate', RECORD_KINDS.join(','))
    .action(async (o: SimulateOptions) => {
      const [{ simulateFile }, { fileParserFor, SUPPORTED_INSURERS }] = await Promise.all([
        import('@ajx/simulation'),
        import('@ajx/domain'),
      ]);
      let tokens: SeedTokens;
      try {
        tokens = JSON.parse(fs.readFileSync(o.tokens, 'utf8')) as SeedTokens;
      } catch (err) {
        throw new CliError(`cannot read ${o.tokens}: ${(err as Error).message}`, EXIT.usage);
      }
      const kinds = parseKinds(o.kinds);
      const insurers = SUPPORTED_INSURERS.filter((i) => tokens[i]);
      if (!insurers.length) throw new CliError(`no insurer token in ${o.tokens}`, EXIT.usage);
      const rounds = Number(o.rounds);
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      process.once('SIGTERM', () => (stop = true));
      for (let round = 1; !stop && (rounds === 0 || round <= rounds); round++) {
        for (const insurer of insurers) {
          const file = simulateFile({
            insurer,
            seed: `${Date.now()}-${insurer}-${round}`,
            records: Number(o.records),
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
            const answer = (await res.json()) as { batchId?: string; records?: number; message?: string };
            process.stderr.write(
              res.ok
                ? `${insurer}: uploaded ${answer.records} records, batch ${answer.batchId}\n`
                : `${insurer}: ${res.status} ${answer.message ?? ''}\n`,
            );
          } catch (err) {
            process.stderr.write(`${insurer}: upload failed: ${(err as Error).message}\n`);
          }
        }
        if (!stop) await new Promise((r) => setTimeout(r, Number(o.intervalMs)));
      }
    });
}
