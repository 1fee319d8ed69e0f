import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';

interface NormalizeOptions {
  insurer: string;
  input: string;
  rejects?: string;
}

export function registerNormalizeCommand(program: Command): void {
  program
    .command('normalize')
    .description(
      'normalise one native insurer file: canonical events (structured-mode CloudEvents, one JSON per line) on stdout, ' +
        'rejects {recordIndex, code, message, sourceId} one per line to --rejects (stderr without it). ' +
        'Exit 0 when the file was read, 3 when it was rejected as a whole, 2 on usage errors',
    )
    .requiredOption('--insurer <code>', 'the delivering insurer (PICC, PINGAN, CPIC, DADI)')
    .requiredOption('--input <file>', 'the native file')
    .option('--rejects <file>', 'where to write the rejects (default: stderr)')
    .action(async (opts: NormalizeOptions) => {
      const { runNormalize } = await import('../normalize/normalize.runner');
      const outcome = await runNormalize(opts);
      if (!outcome.fileRejected) return;
      // Without --rejects, stderr carries the reject lines only (its MALFORMED_FILE line says why).
      if (opts.rejects) throw new CliError(`file rejected as a whole: ${outcome.message}`, EXIT.fileRejected);
      process.exitCode = EXIT.fileRejected;
    });
}
