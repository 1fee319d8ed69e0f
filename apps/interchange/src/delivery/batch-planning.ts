import type { BatchEntry } from '@ajx/interchange-protocol';

/** Room left in a body for the batch's own members (protocol, ids, dates …). */
const ENVELOPE_BYTES = 1024;

/**
 * The longest prefix of `entries` whose batch body stays within `maxBytes` (at least one entry: a single entry too
 * large for the receiver is refused with 413 and halts the endpoint rather than being dropped).
 */
export function fitToBytes(entries: readonly BatchEntry[], maxBytes: number): BatchEntry[] {
  const out: BatchEntry[] = [];
  let size = ENVELOPE_BYTES;
  for (const e of entries) {
    const bytes = Buffer.byteLength(JSON.stringify(e), 'utf8') + 1;
    if (out.length > 0 && size + bytes > maxBytes) break;
    out.push(e);
    size += bytes;
  }
  return out;
}

/** The `days` calendar dates before `today` (`YYYY-MM-DD`), oldest first. */
export function datesBefore(today: string, days: number): string[] {
  const [y, m, d] = today.split('-').map(Number);
  const out: string[] = [];
  for (let i = days; i >= 1; i--) out.push(new Date(Date.UTC(y, m - 1, d - i)).toISOString().slice(0, 10));
  return out;
}
