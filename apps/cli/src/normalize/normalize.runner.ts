import { createReadStream, createWriteStream, openSync, statSync } from 'node:fs';
import { fileParserFor, normalizeFile, SUPPORTED_INSURERS, type NormalizeFileOutcome } from '@ajx/domain';
import { CliError, EXIT } from '../cli-error';
import { LineWriter } from './line-writer';

const READ_CHUNK = 256 * 1024;

/** `ajx normalize`: the file through both passes, events to stdout, rejects to a file or stderr. */
export async function runNormalize(opts: {
  insurer: string;
  input: string;
  rejects?: string;
}): Promise<NormalizeFileOutcome> {
  const insurer = opts.insurer.trim();
  const parser = fileParserFor(insurer);
  if (!parser)
    throw new CliError(
      `unknown insurer ${JSON.stringify(insurer)} (supported: ${SUPPORTED_INSURERS.join(', ')})`,
      EXIT.usage,
    );
  let isFile = false;
  try {
    isFile = statSync(opts.input).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw new CliError(`--input ${opts.input}: no such file`, EXIT.usage);

  const events = new LineWriter(process.stdout);
  let rejectsFd: number | undefined;
  if (opts.rejects) {
    try {
      rejectsFd = openSync(opts.rejects, 'w');
    } catch (err) {
      throw new CliError(`--rejects ${opts.rejects}: ${(err as Error).message}`, EXIT.usage);
    }
  }
  const rejectsStream = rejectsFd === undefined ? process.stderr : createWriteStream('', { fd: rejectsFd });
  const rejects = new LineWriter(rejectsStream);
  const open = () => createReadStream(opts.input, { highWaterMark: READ_CHUNK });
  try {
    return await normalizeFile(
      insurer,
      open,
      {
        onEvent: (e) => events.write(JSON.stringify(e)),
        onReject: (r) => rejects.write(JSON.stringify(r)),
      },
      { parser },
    );
  } finally {
    await events.end(false);
    await rejects.end(Boolean(opts.rejects));
  }
}
