import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { UploadTooLargeError } from '../http/incoming-upload';

export class UploadTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly received: number,
  ) {
    super(`the body did not arrive within ${timeoutMs} ms (${received} bytes received)`);
  }
}

/** A chunk whose body is not exactly as long as its Content-Range says. */
export class ChunkLengthError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the chunk body is ${actual > expected ? 'longer' : `${actual} bytes`}; Content-Range announced ${expected}`);
  }
}

export interface ReceivedUpload {
  tempPath: string;
  bytes: number;
  sha256: Buffer;
}

/**
 * Keeps uploaded files on disk (a shared volume when several gateways run): streamed in with a running SHA-256
 * and a byte limit, so memory stays flat whatever the size, then moved under `<insurer>/<date>/<batchId>`.
 */
@Injectable()
export class UploadStore {
  private readonly root: string;

  constructor(config: GatewayConfig) {
    this.root = path.resolve(config.AJX_UPLOAD_DIR);
    fs.mkdirSync(path.join(this.root, 'incoming'), { recursive: true });
    fs.mkdirSync(path.join(this.root, 'sessions'), { recursive: true });
  }

  /** The file an upload session's chunks are appended to. */
  sessionPath(uploadId: string): string {
    return path.join(this.root, 'sessions', uploadId);
  }

  async sessionFileExists(uploadId: string): Promise<boolean> {
    return fs.promises.access(this.sessionPath(uploadId)).then(
      () => true,
      () => false,
    );
  }

  async createSessionFile(uploadId: string): Promise<void> {
    await fs.promises.writeFile(this.sessionPath(uploadId), Buffer.alloc(0), { flag: 'wx' });
  }

  /**
   * Writes a chunk at `offset` of the session file, streamed; the body must be exactly `length` bytes. Positional
   * writes: a retried chunk rewrites the same bytes, and the offset in PostgreSQL decides what counts.
   */
  async writeChunk(uploadId: string, offset: number, length: number, source: Readable): Promise<void> {
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > length) return done(new ChunkLengthError(length, bytes));
        done(null, chunk);
      },
    });
    await pipeline(source, meter, fs.createWriteStream(this.sessionPath(uploadId), { flags: 'r+', start: offset }));
    if (bytes !== length) throw new ChunkLengthError(length, bytes);
  }

  /** Removes a session's file; answers the bytes it held (0 when there was none). */
  async removeSessionFile(uploadId: string): Promise<number> {
    const file = this.sessionPath(uploadId);
    const size = await fs.promises.stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) return 0;
    await fs.promises.rm(file, { force: true });
    return size;
  }

  /** Drops whatever lies beyond the confirmed offset (a chunk that failed half-way). */
  async truncateSession(uploadId: string, length: number): Promise<void> {
    await fs.promises.truncate(this.sessionPath(uploadId), length).catch(() => undefined);
  }

  /** SHA-256 and size of a stored file, streamed. */
  async digest(file: string): Promise<{ sha256: Buffer; bytes: number }> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      hash.update(chunk);
    }
    return { sha256: hash.digest(), bytes };
  }

  /** Moves a complete session file to incoming/ under a fresh name, as if it had just been received. */
  async adoptSession(uploadId: string): Promise<string> {
    const tempPath = path.join(this.root, 'incoming', randomUUID());
    await fs.promises.rename(this.sessionPath(uploadId), tempPath);
    return tempPath;
  }

  /**
   * Streams `source` to a temporary file. With `timeoutMs`, a body still arriving after that long fails with
   * `UploadTimeoutError`; `onTimeout` runs first (it detaches the request so it is not destroyed with the stream and
   * can still be answered).
   */
  async receive(
    source: Readable,
    maxBytes: number,
    timeout?: { ms: number; onTimeout: () => void },
  ): Promise<ReceivedUpload> {
    const tempPath = path.join(this.root, 'incoming', randomUUID());
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new UploadTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const timer =
      timeout &&
      setTimeout(() => {
        timeout.onTimeout();
        source.destroy(new UploadTimeoutError(timeout.ms, bytes));
      }, timeout.ms);
    try {
      await pipeline(source, meter, fs.createWriteStream(tempPath));
    } catch (err) {
      await this.discard(tempPath);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return { tempPath, bytes, sha256: hash.digest() };
  }

  async keep(tempPath: string, insurer: string, batchId: string): Promise<string> {
    const day = new Date().toISOString().slice(0, 10);
    const dir = path.join(this.root, insurer, day);
    await fs.promises.mkdir(dir, { recursive: true });
    const final = path.join(dir, batchId);
    await fs.promises.rename(tempPath, final);
    return final;
  }

  async discard(tempPath: string): Promise<void> {
    await fs.promises.rm(tempPath, { force: true });
  }

  /** A re-openable byte source for the adapters' streaming passes. */
  opener(file: string): () => AsyncIterable<Buffer> {
    return () => fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  }
}
