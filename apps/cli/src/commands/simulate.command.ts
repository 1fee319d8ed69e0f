import fs from 'node:fs';
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
}

const KINDS = ['policy', 'service', 'hazard'] as const;

/**
 * Simulated insurers for the demo: every interval each insurer uploads a freshly generated native file (realistic
 * records of the given regions, a few defective) to the gateway with its own token, as an insurer's IT would.
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
            kind: KINDS[round % KINDS.length],
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
