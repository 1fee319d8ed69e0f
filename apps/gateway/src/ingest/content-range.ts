/** A parsed `Content-Range: bytes <first>-<last>/<total>` of a chunk upload. */
export interface ContentRange {
  first: number;
  last: number;
  total: number;
  /** last - first + 1 */
  length: number;
}

const PATTERN = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/;

/** Parses a chunk's Content-Range; returns a reason string when it is not a usable one. */
export function parseContentRange(header: string | undefined): ContentRange | string {
  if (!header) return 'the Content-Range header is required (bytes <first>-<last>/<total>)';
  const m = PATTERN.exec(header.trim());
  if (!m) return `Content-Range ${JSON.stringify(header)} is not "bytes <first>-<last>/<total>"`;
  const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![first, last, total].every(Number.isSafeInteger)) return 'Content-Range values are too large';
  if (last < first) return `Content-Range ends (${last}) before it starts (${first})`;
  if (last >= total) return `Content-Range ends at ${last}, beyond the total of ${total} bytes`;
  return { first, last, total, length: last - first + 1 };
}
