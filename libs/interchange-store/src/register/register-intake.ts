import { createHash } from 'node:crypto';
import { byteLines, withoutCr } from '@ajx/domain';
import { parseRegisterLine, type RegisterEntry, type RegisterScope } from './register-entry';
import { Injectable } from '@nestjs/common';
import { RegisterRepository, type RegisterSource, type RegisterVersion } from './register.repository';

export interface RegisterLineError {
  /** 1-based line number in the submitted body. */
  line: number;
  field: string;
  message: string;
}

/** The submission was refused: nothing of it was recorded. */
export class RegisterRejectedError extends Error {
  constructor(
    readonly errors: RegisterLineError[],
    /** Lines with at least one problem (`errors` lists the first `MAX_REPORTED_ERRORS` problems). */
    readonly invalidLines: number,
    readonly lines: number,
  ) {
    super(
      invalidLines === 0
        ? 'the submission lists no enterprise'
        : `${invalidLines} of ${lines} lines are invalid; nothing was recorded`,
    );
    this.name = 'RegisterRejectedError';
  }
}

export class RegisterTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body exceeds the limit of ${limit} bytes`);
    this.name = 'RegisterTooLargeError';
  }
}

export const MAX_REPORTED_ERRORS = 100;
export const MAX_REGISTER_LINE_BYTES = 16 * 1024;
const CHUNK = 1000;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Lines of a byte stream (without the LF and a CR before it); a line over `maxBytes` comes back as null. */
async function* lines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer | null> {
  for await (const line of byteLines(chunks, maxBytes)) yield line.oversized ? null : withoutCr(line.bytes);
}

/**
 * Reads a register submission (NDJSON, one `RegisterEntry` per line, blank lines ignored) as it streams in, checks
 * every line against the submitter's scope, and records it whole or not at all: the entries are written in one
 * transaction as they come, and the submission becomes a version only when every line is valid.
 */
@Injectable()
export class RegisterIntake {
  constructor(private readonly repo: RegisterRepository) {}

  async submit(o: {
    source: RegisterSource;
    submittedBy: string;
    scope: RegisterScope;
    requestId: string | null;
    body: AsyncIterable<Buffer | string>;
    maxBytes: number;
    maxLineBytes?: number;
  }): Promise<RegisterVersion> {
    const submission = await this.repo.begin(o);
    try {
      const hash = createHash('sha256');
      const errors: RegisterLineError[] = [];
      const firstLine = new Map<string, number>();
      let invalidLines = 0;
      let lineNo = 0;
      let bytes = 0;
      let pending: (RegisterEntry & { line: number })[] = [];
      const counted = (async function* (chunks: AsyncIterable<Buffer | string>) {
        for await (const c of chunks) {
          const b = typeof c === 'string' ? Buffer.from(c) : c;
          bytes += b.length;
          if (bytes > o.maxBytes) throw new RegisterTooLargeError(o.maxBytes);
          hash.update(b);
          yield b;
        }
      })(o.body);
      for await (const raw of lines(counted, o.maxLineBytes ?? MAX_REGISTER_LINE_BYTES)) {
        lineNo++;
        const problems: { field: string; message: string }[] = [];
        let entry: RegisterEntry | null = null;
        if (raw === null) {
          problems.push({ field: '', message: `is longer than ${o.maxLineBytes ?? MAX_REGISTER_LINE_BYTES} bytes` });
        } else {
          let text: string;
          try {
            text = UTF8.decode(raw);
          } catch {
            problems.push({ field: '', message: 'is not UTF-8' });
            text = '';
          }
          if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          if (problems.length === 0 && text.trim() === '') continue;
          if (problems.length === 0) {
            const parsed = parseRegisterLine(text, o.scope);
            if (parsed.ok) entry = parsed.entry;
            else problems.push(...parsed.problems);
          }
        }
        if (entry) {
          const seen = firstLine.get(entry.uscc);
          if (seen !== undefined)
            problems.push({ field: 'uscc', message: `${entry.uscc} is listed on line ${seen} too` });
          else firstLine.set(entry.uscc, lineNo);
        }
        if (problems.length) {
          invalidLines++;
          for (const p of problems) if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: lineNo, ...p });
          continue;
        }
        // Once a line is invalid nothing will be recorded: keep checking, stop writing.
        if (invalidLines === 0 && entry) {
          pending.push({ ...entry, line: lineNo });
          if (pending.length >= CHUNK) {
            await submission.add(pending);
            pending = [];
          }
        }
      }
      if (invalidLines > 0 || firstLine.size === 0) throw new RegisterRejectedError(errors, invalidLines, lineNo);
      await submission.add(pending);
      return await submission.commit(hash.digest());
    } catch (err) {
      await submission.abort();
      throw err;
    }
  }
}
