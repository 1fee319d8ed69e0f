import { createReadStream, createWriteStream, openSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { builtInRulePackBySpec } from '@ajx/authz';
import {
  isIsoDate,
  readRegisterEntry,
  readSupervisionEvent,
  SupervisionEngine,
  SupervisionInputError,
  supervisionParameters,
  type SupervisionParameters,
  type SupervisionRegisterEntry,
} from '@ajx/supervision';
import { CliError, EXIT } from '../cli-error';
import { LineWriter } from '../normalize/line-writer';

export interface SuperviseRun {
  pack: string;
  asOf: string;
  events: string;
  register?: string;
  findings: string;
  figures: string;
}

export interface SuperviseOutcome {
  events: number;
  records: number;
  registered: number;
  enterprises: number;
  findings: number;
}

/**
 * `ajx supervise`: every event and register line is read and checked first (a bad line stops the run naming the
 * file, the line and the field; nothing is written), then the library evaluates once and the outputs are written.
 */
export async function runSupervise(opts: SuperviseRun): Promise<SuperviseOutcome> {
  const params = packParameters(opts.pack);
  if (!isIsoDate(opts.asOf))
    throw new CliError(`--as-of ${JSON.stringify(opts.asOf)}: not a date YYYY-MM-DD`, EXIT.usage);
  requireFile('--events', opts.events);
  if (opts.register !== undefined) requireFile('--register', opts.register);

  const engine = new SupervisionEngine(params);
  let events = 0;
  let records = 0;
  await forEachLine(opts.events, (value) => {
    const outcome = engine.state.apply(readSupervisionEvent(value));
    events++;
    if (outcome.status === 'new') records++;
  });
  const register = opts.register === undefined ? [] : await readRegister(opts.register);
  engine.replaceRegister(register);
  engine.evaluateAll(opts.asOf);

  const findings = engine.findings();
  const out = new LineWriter(openForWriting('--findings', opts.findings));
  for (const f of findings) await out.write(JSON.stringify(f));
  await out.end(true);
  try {
    writeFileSync(opts.figures, `${JSON.stringify(engine.figures(opts.pack), null, 1)}\n`);
  } catch (err) {
    throw new CliError(`--figures ${opts.figures}: ${(err as Error).message}`, EXIT.usage);
  }
  return {
    events,
    records,
    registered: register.length,
    enterprises: engine.state.enterpriseCount,
    findings: findings.length,
  };
}

function packParameters(spec: string): SupervisionParameters {
  try {
    return supervisionParameters(builtInRulePackBySpec(spec));
  } catch (err) {
    throw new CliError(`--pack ${spec}: ${(err as Error).message}`, EXIT.usage);
  }
}

function requireFile(option: string, path: string): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw new CliError(`${option} ${path}: no such file`, EXIT.usage);
}

/** Opens an output file (only once the evaluation succeeded, so a bad input leaves earlier outputs alone). */
function openForWriting(option: string, path: string): WriteStream {
  try {
    return createWriteStream('', { fd: openSync(path, 'w') });
  } catch (err) {
    throw new CliError(`${option} ${path}: ${(err as Error).message}`, EXIT.usage);
  }
}

/** Calls `take` with every non-blank line parsed as JSON; errors name the file and the line. */
async function forEachLine(path: string, take: (value: unknown, line: number) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CliError(`${path} line ${n}: not JSON (${(err as Error).message})`, EXIT.invalidInput);
    }
    try {
      take(value, n);
    } catch (err) {
      if (err instanceof SupervisionInputError)
        throw new CliError(`${path} line ${n}: ${err.message}`, EXIT.invalidInput);
      throw err;
    }
  }
}

async function readRegister(path: string): Promise<SupervisionRegisterEntry[]> {
  const entries: SupervisionRegisterEntry[] = [];
  const lineOf = new Map<string, number>();
  await forEachLine(path, (value, line) => {
    const entry = readRegisterEntry(value);
    const first = lineOf.get(entry.uscc);
    if (first !== undefined)
      throw new SupervisionInputError(
        'uscc',
        `${entry.uscc} is already listed on line ${first} (one entry per enterprise)`,
      );
    lineOf.set(entry.uscc, line);
    entries.push(entry);
  });
  return entries;
}
