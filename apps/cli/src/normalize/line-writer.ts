import type { Writable } from 'node:stream';

/** Buffers lines and writes them in large chunks, waiting for `drain` when the stream asks to. */
export class LineWriter {
  private buffer: string[] = [];
  private size = 0;

  constructor(
    private readonly out: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  /** Resolves immediately (undefined) unless the buffer was flushed into a stream that is full. */
  write(line: string): Promise<void> | undefined {
    this.buffer.push(line, '\n');
    this.size += line.length + 1;
    return this.size >= this.flushAt ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  /** Flushes and, for files, closes. */
  async end(close: boolean): Promise<void> {
    await this.flush();
    if (close)
      await new Promise<void>((resolve, reject) => {
        this.out.once('error', reject);
        this.out.end(resolve);
      });
  }
}
