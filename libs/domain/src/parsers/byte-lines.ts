import { MAX_RECORD_BYTES } from './insurer-file-parser';

const LF = 0x0a;

/** One physical line: its bytes without the LF (a CR before it is kept), or `oversized` when over the limit. */
export interface ByteLine {
  bytes: Buffer;
  oversized: boolean;
}

/**
 * Splits a byte stream at LF without decoding (multi-byte encodings never use 0x0A inside a character). A line
 * longer than `maxBytes` is reported as oversized and its content dropped, so memory stays bounded. Lines are
 * views of the chunks: producers must not reuse a chunk's memory (Node streams never do).
 */
export async function* byteLines(chunks: AsyncIterable<Buffer>, maxBytes = MAX_RECORD_BYTES): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!oversized) {
        if (size + end - start > maxBytes) {
          oversized = true;
          parts = [];
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (nl === -1) break;
      yield {
        bytes: oversized ? Buffer.alloc(0) : parts.length === 1 ? parts[0] : Buffer.concat(parts, size),
        oversized,
      };
      parts = [];
      size = 0;
      oversized = false;
      start = nl + 1;
    }
  }
  if (size > 0 || oversized) yield { bytes: oversized ? Buffer.alloc(0) : Buffer.concat(parts, size), oversized };
}

const CR = 0x0d;
/** The line without a trailing CR. */
export function withoutCr(line: Buffer): Buffer {
  return line.length && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
}
