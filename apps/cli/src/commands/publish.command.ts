import fs from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson } from '../cli-lazy';

interface PublishCliOptions {
  insurer: string;
  input: string;
  url: string;
  token?: string;
  chunkMb: string;
  maxChunks: string;
  wait: boolean;
  timeoutS: string;
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description('upload a native file (any size) to a running hub in resumable chunks; prints the batch summary')
    .requiredOption('--insurer <code>', 'the insurer the file is from (the token must be its own)')
    .requiredOption('--input <file>', 'the native file')
    .requiredOption('--url <gateway>', 'e.g. http://127.0.0.1:3000')
    .option('--token <token>', "the insurer's credential (default: $AJX_TOKEN)")
    .option('--chunk-mb <n>', 'chunk size in MiB', '8')
    .option('--max-chunks <n>', 'stop after n chunks (exit 75; run again to resume)', '0')
    .option('--no-wait', 'do not wait for the batch report')
    .option('--timeout-s <n>', 'how long to wait for the batch report', '3600')
    .action(async (o: PublishCliOptions) => {
      const [{ fileParserFor }, { HubPublisher, PUBLISH_EXIT }] = await Promise.all([
        import('@ajx/domain'),
        import('../publish/publisher'),
      ]);
      const adapter = fileParserFor(o.insurer);
      if (!adapter) throw new CliError(`unknown insurer ${o.insurer}`, EXIT.usage);
      if (!fs.existsSync(o.input) || !fs.statSync(o.input).isFile()) {
        throw new CliError(`--input ${o.input} is not a file`, EXIT.usage);
      }
      const token = o.token ?? process.env.AJX_TOKEN;
      if (!token) throw new CliError('a token is required (--token or AJX_TOKEN)', EXIT.usage);
      const chunkMb = Number(o.chunkMb);
      if (!(chunkMb > 0 && chunkMb <= 1024)) throw new CliError('--chunk-mb must be between 0 and 1024', EXIT.usage);
      const maxChunks = Number(o.maxChunks);
      if (!Number.isInteger(maxChunks) || maxChunks < 0) throw new CliError('--max-chunks must be ≥ 0', EXIT.usage);
      const summary = await new HubPublisher({
        insurer: o.insurer,
        input: o.input,
        url: o.url,
        token,
        contentType: adapter.contentTypes[0],
        chunkBytes: Math.round(chunkMb * 1024 * 1024),
        maxChunks,
        wait: o.wait,
        pollMs: 500,
        timeoutMs: Number(o.timeoutS) * 1000,
      }).run();
      if (!summary) {
        process.exitCode = PUBLISH_EXIT.interrupted;
        return;
      }
      printJson(summary);
    });
}
