import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateFile, toExpectedLine } from '@ajx/simulation';
import { buildProgram, runProgram } from '../program';

/** Runs `ajx normalize …` in-process, capturing stdout and stderr. */
async function ajx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await runProgram(buildProgram(), ['node', 'ajx', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

const lines = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

jest.setTimeout(60_000);

describe('ajx normalize', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ajx-normalize-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one structured-mode event per accepted record in input order and one reject per line', async () => {
    const sim = simulateFile({ insurer: 'CPIC', seed: 42, records: 50, defectRate: 0.3, noise: 0.4 });
    const input = join(dir, 'cpic.xml');
    writeFileSync(input, await sim.bytes());
    const rejectsFile = join(dir, 'rejects.ndjson');
    const { code, stdout } = await ajx('normalize', '--insurer', 'CPIC', '--input', input, '--rejects', rejectsFile);
    expect(code).toBe(0);
    const expected = [...sim.outcomes()];
    const events = lines(stdout);
    const rejects = lines(readFileSync(rejectsFile, 'utf8'));
    expect(events).toEqual(expected.flatMap((o) => (o.ok ? [JSON.parse(JSON.stringify(o.event))] : [])));
    expect(rejects.map((r) => [r.recordIndex, r.code])).toEqual(
      expected.flatMap((o) => (o.ok ? [] : [[o.recordIndex, o.code]])),
    );
    for (const r of rejects) expect(Object.keys(r)).toEqual(['recordIndex', 'code', 'message', 'sourceId']);
    expect(expected.map(toExpectedLine).length).toBe(50);
  });

  it('writes rejects to stderr without --rejects and exits 0 even when every record is rejected', async () => {
    const sim = simulateFile({ insurer: 'DADI', seed: 1, records: 5, declaredInsurer: 'PICC' });
    const input = join(dir, 'dadi.json');
    writeFileSync(input, await sim.bytes());
    const { code, stdout, stderr } = await ajx('normalize', '--insurer', 'DADI', '--input', input);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(lines(stderr).map((r) => r.code)).toEqual(Array(5).fill('INSURER_MISMATCH'));
  });

  it('exits 3 with one MALFORMED_FILE reject and no event when the file is rejected as a whole', async () => {
    const sim = simulateFile({ insurer: 'PICC', seed: 2, records: 5, fileDefect: 'header' });
    const input = join(dir, 'picc.csv');
    writeFileSync(input, await sim.bytes());
    const rejectsFile = join(dir, 'picc.rejects');
    const { code, stdout } = await ajx('normalize', '--insurer', 'PICC', '--input', input, '--rejects', rejectsFile);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(lines(readFileSync(rejectsFile, 'utf8'))).toEqual([
      expect.objectContaining({ recordIndex: 0, code: 'MALFORMED_FILE', sourceId: null }),
    ]);
    const toStderr = await ajx('normalize', '--insurer', 'PICC', '--input', input);
    expect(toStderr.code).toBe(3);
    expect(lines(toStderr.stderr)).toEqual([expect.objectContaining({ recordIndex: 0, code: 'MALFORMED_FILE' })]);
  });

  it.each([
    [['normalize', '--insurer', 'ACME', '--input', __filename]],
    [['normalize', '--insurer', 'PICC', '--input', '/no/such/file']],
    [['normalize', '--input', __filename]],
    [['normalize', '--insurer', 'PICC']],
    [['normalize', '--insurer', 'PICC', '--input', __filename, '--rejects', '/no/such/dir/rejects.ndjson']],
  ])('exits 2 on a usage error (%j)', async (args) => {
    const { code, stdout } = await ajx(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});
