import type { Command } from 'commander';

interface SuperviseOptions {
  pack: string;
  asOf: string;
  events: string;
  register?: string;
  findings: string;
  figures: string;
}

export function registerSuperviseCommand(program: Command): void {
  program
    .command('supervise')
    .description(
      'evaluate the supervision rules (监管规则, SUPERVISION.md) without any server: canonical events (NDJSON as ' +
        '`ajx normalize` writes them, any order, several versions per record) and the must-insure register in; ' +
        'findings (NDJSON sorted by rule then key) and figures (JSON) out. Exit 0 when written, 4 when an input ' +
        'line is invalid (nothing is written), 2 on usage errors',
    )
    .requiredOption('--pack <id@version>', 'the rule pack, e.g. jining@1 or default@1')
    .requiredOption('--as-of <date>', 'the Beijing date to evaluate, YYYY-MM-DD')
    .requiredOption('--events <file>', 'canonical events, one CloudEvent per line (extension ajxacceptedat optional)')
    .option('--register <file>', 'the must-insure register, one entry per line (NDJSON)')
    .requiredOption('--findings <file>', 'where to write the findings (NDJSON)')
    .requiredOption('--figures <file>', 'where to write the figures (JSON)')
    .action(async (opts: SuperviseOptions) => {
      const { runSupervise } = await import('../supervise/supervise.runner');
      const outcome = await runSupervise(opts);
      process.stderr.write(
        `ajx supervise: ${outcome.events} events of ${outcome.records} records, ${outcome.registered} register entries, ` +
          `${outcome.enterprises} enterprises → ${outcome.findings} findings on ${opts.asOf} (${opts.pack})\n`,
      );
    });
}
