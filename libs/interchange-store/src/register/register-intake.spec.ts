import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RegisterEntry, RegisterScope } from './register-entry';
import { RegisterIntake, RegisterRejectedError, RegisterTooLargeError } from './register-intake';
import type { RegisterRepository, RegisterSubmission, RegisterVersion } from './register.repository';

/** A repository that keeps what a submission would write, to check the intake alone. */
class FakeRepo {
  added: (RegisterEntry & { line: number })[] = [];
  committed: Buffer | null = null;
  aborted = false;

  begin(): Promise<RegisterSubmission> {
    const submission = {
      add: async (entries: (RegisterEntry & { line: number })[]) => void this.added.push(...entries),
      commit: async (sha: Buffer) => {
        this.committed = sha;
        return { version: 1, entries: this.added.length } as RegisterVersion;
      },
      abort: async () => void (this.aborted = true),
    };
    return Promise.resolve(submission as unknown as RegisterSubmission);
  }
}

const scope: RegisterScope = { regionPrefix: '33', sectors: null, label: 'province 33' };
const line = (uscc: string) => JSON.stringify({ uscc, name: '企业', regionCode: '330106', sector: 'other' });

async function submit(repo: FakeRepo, chunks: (string | Buffer)[], maxBytes = 1024 * 1024) {
  return new RegisterIntake(repo as unknown as RegisterRepository).submit({
    source: 'province',
    submittedBy: 'p',
    scope,
    requestId: null,
    body: Readable.from(chunks),
    maxBytes,
    maxLineBytes: 200,
  });
}

describe('register intake', () => {
  it('reads lines split anywhere across chunks (BOM, CRLF, blank lines) and commits with the body digest', async () => {
    const repo = new FakeRepo();
    const body = `\ufeff${line('9133010600000000B2')}\r\n\n${line('9133010600000000C5')}\n`;
    const bytes = Buffer.from(body);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 60), bytes.subarray(60)];
    await expect(submit(repo, chunks)).resolves.toMatchObject({ version: 1, entries: 2 });
    expect(repo.added.map((e) => [e.line, e.uscc])).toEqual([
      [1, '9133010600000000B2'],
      [3, '9133010600000000C5'],
    ]);
    expect(repo.committed?.toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses the whole submission on any invalid line, reporting each, and writes nothing after it', async () => {
    const repo = new FakeRepo();
    const err = (await submit(repo, [
      `${line('9133010600000000B2')}\n${'x'.repeat(300)}\n${line('9133010600000000B2')}\n`,
      Buffer.from([0xff, 0xfe, 0x0a]),
      `${line('9133010600000000C5')}`,
    ]).catch((e: unknown) => e)) as RegisterRejectedError;
    expect(err).toBeInstanceOf(RegisterRejectedError);
    expect(err).toMatchObject({ invalidLines: 3, lines: 5 });
    expect(err.errors).toEqual([
      { line: 2, field: '', message: 'is longer than 200 bytes' },
      { line: 3, field: 'uscc', message: '9133010600000000B2 is listed on line 1 too' },
      { line: 4, field: '', message: 'is not UTF-8' },
    ]);
    expect(repo.added).toEqual([]);
    expect(repo.aborted).toBe(true);
    expect(repo.committed).toBeNull();
  });

  it('refuses an empty submission and a body over the limit', async () => {
    const empty = new FakeRepo();
    await expect(submit(empty, ['\n  \n'])).rejects.toThrow('the submission lists no enterprise');
    expect(empty.aborted).toBe(true);
    const big = new FakeRepo();
    await expect(submit(big, [line('9133010600000000B2'), '\n', line('9133010600000000C5')], 100)).rejects.toThrow(
      RegisterTooLargeError,
    );
    expect(big.aborted).toBe(true);
  });
});
