import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CliError, EXIT } from '../cli-error';
import { Progress } from './progress';

export const PUBLISH_EXIT = {
  ...EXIT,
  /** The hub rejected the file as a whole (MALFORMED_FILE): nothing was published. */
  fileRejected: 3,
  /** Stopped after --max-chunks: run the same command again to resume. */
  interrupted: 75,
} as const;

export interface PublishOptions {
  insurer: string;
  input: string;
  url: string;
  token: string;
  contentType: string;
  chunkBytes: number;
  /** Stop after this many chunks (resume by running again); 0 = no limit. */
  maxChunks: number;
  wait: boolean;
  pollMs: number;
  timeoutMs: number;
}

export interface PublishSummary {
  batchId: string;
  insurer: string;
  records: number;
  accepted: number;
  rejects: number;
  duplicates: number;
  /** This exact file was uploaded before: nothing was published again. */
  duplicate: boolean;
  complete: boolean;
  status: string;
}

interface SessionMemo {
  uploadId: string;
  url: string;
  insurer: string;
  sha256: string;
  size: number;
}

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** `<input>.ajx-upload`: the session id of an unfinished upload, so that running the command again resumes it. */
export function memoPath(input: string): string {
  return `${input}.ajx-upload`;
}

async function sha256Of(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const progress = new Progress(size);
  let done = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    done += chunk.length;
    progress.update(done, 'hashed');
  }
  return hash.digest('hex');
}

/**
 * Uploads a file to a running hub through a resumable upload session (bounded memory: the file is streamed for the
 * hash and chunk by chunk for the upload), then waits for the batch report and returns the summary.
 */
export class HubPublisher {
  constructor(private readonly o: PublishOptions) {}

  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    let res: Response;
    try {
      res = await fetch(`${this.o.url.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.o.token}`,
          ...(body !== undefined && !(body instanceof Readable) ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body:
          body === undefined
            ? undefined
            : body instanceof Readable
              ? (Readable.toWeb(body) as ReadableStream)
              : JSON.stringify(body),
        ...(body instanceof Readable ? { duplex: 'half' } : {}),
      });
    } catch (err) {
      throw new CliError(`cannot reach ${this.o.url}: ${(err as Error).message}`, EXIT.failure);
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { message: text };
    }
    return { status: res.status, body: parsed } satisfies ApiAnswer;
  }

  private fail(what: string, a: ApiAnswer): never {
    const code = typeof a.body.code === 'string' ? a.body.code : `HTTP ${a.status}`;
    const message = typeof a.body.message === 'string' ? a.body.message : JSON.stringify(a.body.message ?? '');
    throw new CliError(`${what}: ${code}: ${message}`, EXIT.failure);
  }

  async run(): Promise<PublishSummary | null> {
    const { o } = this;
    const stat = fs.statSync(o.input);
    if (stat.size === 0) throw new CliError(`${o.input} is empty`, EXIT.usage);
    const sha256 = await sha256Of(o.input, stat.size);
    const { uploadId, received } = await this.session(sha256, stat.size);
    const uploaded = await this.upload(uploadId, received, stat.size);
    if (!uploaded) return null;
    const done = await this.call('POST', `/v1/ingest/uploads/${uploadId}/complete`);
    if (done.status === 422 && done.body.code !== 'CHECKSUM_MISMATCH') {
      fs.rmSync(memoPath(o.input), { force: true });
      throw new CliError(
        `the hub rejected the file as a whole: ${String(done.body.code)}: ${String(done.body.message)}`,
        PUBLISH_EXIT.fileRejected,
      );
    }
    if (done.status !== 200 && done.status !== 202) this.fail('completing the upload', done);
    fs.rmSync(memoPath(o.input), { force: true });
    const batchId = String(done.body.batchId);
    const duplicate = done.body.duplicate === true;
    if (!o.wait) {
      return {
        batchId,
        insurer: o.insurer,
        records: Number(done.body.records),
        accepted: 0,
        rejects: 0,
        duplicates: 0,
        duplicate,
        complete: false,
        status: String(done.body.status),
      };
    }
    return this.summary(batchId, duplicate);
  }

  /** Resumes the session remembered next to the file when it is for the same content, or starts a new one. */
  private async session(sha256: string, size: number): Promise<{ uploadId: string; received: number }> {
    const { o } = this;
    const memoFile = memoPath(o.input);
    if (fs.existsSync(memoFile)) {
      try {
        const memo = JSON.parse(fs.readFileSync(memoFile, 'utf8')) as SessionMemo;
        if (memo.sha256 === sha256 && memo.size === size && memo.insurer === o.insurer && memo.url === o.url) {
          const s = await this.call('GET', `/v1/ingest/uploads/${memo.uploadId}`);
          if (s.status === 200 && s.body.status !== 'completed' && Date.parse(String(s.body.expiresAt)) > Date.now()) {
            process.stderr.write(`resuming upload ${memo.uploadId} at byte ${String(s.body.received)}\n`);
            return { uploadId: memo.uploadId, received: Number(s.body.received) };
          }
        }
      } catch {
        // an unreadable memo is replaced
      }
    }
    const created = await this.call('POST', `/v1/ingest/${encodeURIComponent(o.insurer)}/uploads`, {
      size,
      sha256,
      contentType: o.contentType,
      filename: o.input.split(/[\\/]/).pop(),
    });
    if (created.status !== 201) this.fail('starting the upload', created);
    const uploadId = String(created.body.uploadId);
    const memo: SessionMemo = { uploadId, url: o.url, insurer: o.insurer, sha256, size };
    fs.writeFileSync(memoFile, `${JSON.stringify(memo)}\n`);
    return { uploadId, received: 0 };
  }

  /** Sends the chunks from `offset`; false when stopped by --max-chunks. */
  private async upload(uploadId: string, offset: number, size: number): Promise<boolean> {
    const progress = new Progress(size);
    let sent = 0;
    let retries = 0;
    while (offset < size) {
      if (this.o.maxChunks > 0 && sent >= this.o.maxChunks) {
        process.stderr.write(`stopped after ${sent} chunks at byte ${offset}; run the same command again to resume\n`);
        return false;
      }
      const last = Math.min(size, offset + this.o.chunkBytes) - 1;
      const body = fs.createReadStream(this.o.input, { start: offset, end: last, highWaterMark: 1024 * 1024 });
      let a: ApiAnswer;
      try {
        a = await this.call('PUT', `/v1/ingest/uploads/${uploadId}`, body, {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${offset}-${last}/${size}`,
          'content-length': String(last - offset + 1),
        });
      } catch (err) {
        if (++retries > 5) throw err;
        await new Promise((r) => setTimeout(r, 500 * 2 ** retries));
        const s = await this.call('GET', `/v1/ingest/uploads/${uploadId}`);
        if (s.status === 200) offset = Number(s.body.received);
        continue;
      }
      if (a.status === 409 && a.body.code === 'OFFSET_MISMATCH') {
        offset = Number((a.body.details as { expectedOffset: number }).expectedOffset);
        continue;
      }
      if (a.status === 429 && retries++ < 20) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (a.status !== 200) this.fail(`uploading bytes ${offset}-${last}`, a);
      retries = 0;
      sent++;
      offset = Number(a.body.received);
      progress.update(offset);
    }
    return true;
  }

  private async summary(batchId: string, duplicate: boolean): Promise<PublishSummary> {
    const deadline = Date.now() + this.o.timeoutMs;
    for (;;) {
      const r = await this.call('GET', `/v1/ingest/batches/${batchId}?limit=1`);
      if (r.status !== 200) this.fail('reading the batch report', r);
      const b = r.body;
      if (b.complete === true || Date.now() > deadline) {
        return {
          batchId,
          insurer: String(b.insurer),
          records: Number(b.records),
          accepted: Number(b.normalized),
          rejects: Number(b.rejected),
          duplicates: Number(b.duplicates),
          duplicate,
          complete: b.complete === true,
          status: String(b.status),
        };
      }
      await new Promise((res) => setTimeout(res, this.o.pollMs));
    }
  }
}
