/**
 * `npm run bench:normalize`: records/s and peak RSS of `ajx normalize` (both passes, events serialised and written)
 * on a generated 100,000-record file per format, beside a baseline in the same run — the same file through the
 * adapter alone (both passes, raw records, no normalisation) — so the normaliser's own cost is visible. Each
 * measurement runs in a fresh child process so its peak RSS is its own.
 */
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { RecordKind } from '@ajx/contracts';

const RECORDS = Number(process.env.AJX_BENCH_RECORDS ?? 100_000);
const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'] as const;
type Mode = 'baseline' | 'cli';
interface Result {
  records: number;
  seconds: number;
  maxRssMb: number;
}

async function child(insurer: string, mode: Mode, file: string): Promise<void> {
  const started = process.hrtime.bigint();
  let records = 0;
  if (mode === 'baseline') {
    const { fileParserFor } = await import('@ajx/domain');
    const adapter = fileParserFor(insurer)!;
    const open = () => createReadStream(file, { highWaterMark: 256 * 1024 });
    const check = await adapter.checkContainer(open);
    if (!check.ok) throw new Error(check.message);
    for await (const _raw of adapter.records(open)) records++;
  } else {
    // The CLI's own code path: both passes, events to stdout (ignored by the parent), rejects to /dev/null.
    const { runNormalize } = await import('../apps/cli/src/normalize/normalize.runner');
    const outcome = await runNormalize({ insurer, input: file, rejects: '/dev/null' });
    if (outcome.fileRejected) throw new Error(outcome.message);
    records = outcome.records;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result: Result = { records, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.send!(result);
}

function measure(insurer: string, mode: Mode, file: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = fork(__filename, ['--child', insurer, mode, file], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    p.once('message', (m) => resolve(m as Result));
    p.once('exit', (code) => (code ? reject(new Error(`${insurer} ${mode} exited ${code}`)) : undefined));
  });
}

async function generate(insurer: string, file: string): Promise<void> {
  const { simulateFile } = await import('@ajx/simulation');
  const kind: RecordKind = 'service';
  const sim = simulateFile({
    insurer,
    seed: `bench-${insurer}`,
    records: RECORDS,
    kind,
    noise: 0.2,
    defectRate: 0.05,
    blankLines: 0.01,
  });
  const out = createWriteStream(file);
  for await (const chunk of sim.chunks()) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4] as Mode, process.argv[5]);
  const dir = mkdtempSync(join(tmpdir(), 'ajx-bench-'));
  const rows: string[][] = [];
  try {
    for (const insurer of INSURERS) {
      const file = join(dir, `${insurer}.dat`);
      process.stderr.write(`generating ${RECORDS} ${insurer} records … `);
      await generate(insurer, file);
      const mb = statSync(file).size / 1e6;
      process.stderr.write(`${mb.toFixed(1)} MB; measuring\n`);
      const base = await measure(insurer, 'baseline', file);
      const cli = await measure(insurer, 'cli', file);
      const perRecordUs = ((cli.seconds - base.seconds) / cli.records) * 1e6;
      rows.push([
        insurer,
        mb.toFixed(1),
        String(cli.records),
        Math.round(base.records / base.seconds).toLocaleString('en'),
        base.maxRssMb.toFixed(0),
        Math.round(cli.records / cli.seconds).toLocaleString('en'),
        cli.maxRssMb.toFixed(0),
        perRecordUs.toFixed(1),
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = [
    'format',
    'file MB',
    'records',
    'parse-only rec/s',
    'peak MB',
    'ajx normalize rec/s',
    'peak MB',
    'normalise+write µs/rec',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(
    `ajx normalize on ${RECORDS.toLocaleString('en')}-record generated files (both passes; parse-only = the adapter's two passes without normalisation)`,
  );
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
