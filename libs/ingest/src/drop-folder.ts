import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * An adapter's drop folder: files arrive in `incoming/`; a published file moves to `processed/` and a file that is
 * not whole to `rejected/`, each with `<name>.receipt.json` beside it.
 */
export class DropFolder {
  readonly incoming: string;
  readonly processed: string;
  readonly rejected: string;

  constructor(root: string) {
    const dir = path.resolve(root);
    this.incoming = path.join(dir, 'incoming');
    this.processed = path.join(dir, 'processed');
    this.rejected = path.join(dir, 'rejected');
    for (const d of [this.incoming, this.processed, this.rejected]) fs.mkdirSync(d, { recursive: true });
  }

  /** Regular files in incoming/ with their size and modification time. */
  async list(): Promise<{ name: string; size: number; mtimeMs: number }[]> {
    const out: { name: string; size: number; mtimeMs: number }[] = [];
    for (const entry of await fs.promises.readdir(this.incoming, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      try {
        const st = await fs.promises.stat(path.join(this.incoming, entry.name));
        out.push({ name: entry.name, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // moved away meanwhile
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  pathOf(name: string): string {
    return path.join(this.incoming, name);
  }

  /** SHA-256 (hex) and size of a file, streamed. */
  async hash(name: string): Promise<{ sha256: string; bytes: number }> {
    const h = createHash('sha256');
    let bytes = 0;
    await pipeline(fs.createReadStream(this.pathOf(name), { highWaterMark: 256 * 1024 }), async (source) => {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        h.update(chunk);
      }
    });
    return { sha256: h.digest('hex'), bytes };
  }

  opener(name: string): () => AsyncIterable<Buffer> {
    const file = this.pathOf(name);
    return () => fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  }

  /**
   * Moves the file to processed/ or rejected/ and writes its receipt there (the receipt first, so a crash in between
   * leaves the file in incoming/, where the next scan finds it done and moves it again). A name already taken there
   * gets the file's hash prefix appended.
   */
  async moveAside(
    name: string,
    to: 'processed' | 'rejected',
    receipt: Record<string, unknown>,
    sha256: string,
  ): Promise<string> {
    const dir = to === 'processed' ? this.processed : this.rejected;
    let target = path.join(dir, name);
    if (fs.existsSync(target)) target = path.join(dir, `${name}.${sha256.slice(0, 12)}`);
    const receiptFile = `${target}.receipt.json`;
    const tmp = `${receiptFile}.tmp`;
    await fs.promises.writeFile(tmp, `${JSON.stringify(receipt, null, 2)}\n`);
    await fs.promises.rename(tmp, receiptFile);
    await fs.promises.rename(this.pathOf(name), target);
    return target;
  }
}
