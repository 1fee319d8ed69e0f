import { createHash } from 'node:crypto';
import { type FeedPosition, MAX_AHEAD } from './feed-position';

/**
 * A feed cursor as handed to departments: opaque, versioned and checksummed (base64url of `2.<seq>[.<ahead>…]~<sum>`).
 * It is a position in the department's own sequence, and the checksum covers the department it was issued to: a
 * cursor of another department (or a mangled one) is refused, never read as a position (row-level security would
 * show nothing of the other department anyway). The checksum is not a secret.
 */
const VERSION = '2';

function checksum(departmentId: string, payload: string): string {
  return createHash('sha256').update(`${departmentId}\n${payload}`).digest('base64url').slice(0, 8);
}

export function encodeFeedCursor(p: FeedPosition, departmentId: string): string {
  const payload = [VERSION, String(p.seq), ...p.ahead.map(String)].join('.');
  return Buffer.from(`${payload}~${checksum(departmentId, payload)}`).toString('base64url');
}

/** The position of a cursor, or null when it is not one this API issued to `departmentId`. */
export function decodeFeedCursor(cursor: string, departmentId: string): FeedPosition | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^([0-9.]+)~([A-Za-z0-9_-]{8})$/.exec(text);
  if (!m || checksum(departmentId, m[1]) !== m[2]) return null;
  const [version, ...numbers] = m[1].split('.');
  if (version !== VERSION || numbers.length === 0 || numbers.length > MAX_AHEAD + 1) return null;
  if (!numbers.every((n) => /^(0|[1-9]\d{0,15})$/.test(n))) return null;
  const [seq, ...ahead] = numbers.map(Number);
  if (!Number.isSafeInteger(seq) || !ahead.every((a, i) => a > seq && (i === 0 || a > ahead[i - 1]))) return null;
  return { seq, ahead };
}
