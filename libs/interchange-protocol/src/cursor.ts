import { createHash } from 'node:crypto';
import type { BatchEntry } from './batch';
import { checkCanonicalEvent } from './batch';
import { describeProblems, InterchangeError, type Problem } from './errors';
import { pullPageSchema, PROTOCOL_VERSION } from './schemas';
import { parseJson, schemaChecker } from './validation';

/**
 * Pull cursors (`GET /v1/interchange/events?after=<cursor>`): opaque to the client, base64url (no padding) of
 * 13 bytes — version 1, the hub sequence number (unsigned 64-bit big-endian) and the first 4 bytes of
 * SHA-256 over those 9 bytes. The checksum catches a cursor that was cut, mistyped or made up.
 */
const CURSOR_VERSION = 1;
const CURSOR_BYTES = 13;

function checksum(head: Buffer): Buffer {
  return createHash('sha256').update(head).digest().subarray(0, 4);
}

/** The cursor that reads everything after `seq` (0: from the beginning). */
export function encodeCursor(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`a cursor holds a sequence number ≥ 0, not ${seq}`);
  const head = Buffer.alloc(9);
  head.writeUInt8(CURSOR_VERSION, 0);
  head.writeBigUInt64BE(BigInt(seq), 1);
  return Buffer.concat([head, checksum(head)]).toString('base64url');
}

export const START_CURSOR = encodeCursor(0);

/** The sequence number a cursor stands for; throws `InterchangeError` INVALID_CURSOR (400) when it is not one. */
export function decodeCursor(cursor: string): number {
  const invalid = (why: string) => new InterchangeError('INVALID_CURSOR', `invalid cursor: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not base64url');
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== CURSOR_BYTES || bytes.toString('base64url') !== cursor) throw invalid('wrong length');
  if (bytes.readUInt8(0) !== CURSOR_VERSION) throw invalid(`unknown version ${bytes.readUInt8(0)}`);
  if (!checksum(bytes.subarray(0, 9)).equals(bytes.subarray(9))) throw invalid('checksum mismatch');
  const seq = bytes.readBigUInt64BE(1);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('sequence number out of range');
  return Number(seq);
}

/** One answer of the pull endpoint. */
export interface PullPage {
  protocol: typeof PROTOCOL_VERSION;
  sender: string;
  province: string;
  /** In sequence order, all after the requested cursor. */
  entries: BatchEntry[];
  /** The cursor to ask for next: after the last entry, or the requested one when there were none. */
  next: string;
  /** More entries are available right now. */
  hasMore: boolean;
}

export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

/** Hub side: the page for entries read after `afterSeq` (at most `limit` + 1 fetched to know `hasMore`). */
export function buildPullPage(o: {
  sender: string;
  province: string;
  afterSeq: number;
  entries: BatchEntry[];
  hasMore: boolean;
}): PullPage {
  const last = o.entries.length ? o.entries[o.entries.length - 1].seq : o.afterSeq;
  return {
    protocol: PROTOCOL_VERSION,
    sender: o.sender,
    province: o.province,
    entries: o.entries,
    next: encodeCursor(last),
    hasMore: o.hasMore,
  };
}

const checkPage = schemaChecker<PullPage>(pullPageSchema);

/** Client side: reads a page received for `after`; every entry is checked like a pushed one. */
export function parsePullPage(raw: Buffer | string, o: { province: string; after: string }): PullPage {
  const json = parseJson(raw);
  if (!json.ok) throw new InterchangeError('MALFORMED_JSON', json.message);
  const checked = checkPage(json.value);
  if (!checked.ok) {
    throw new InterchangeError(
      'INVALID_BATCH',
      `invalid pull page: ${describeProblems(checked.problems)}`,
      checked.problems,
    );
  }
  const page = checked.value;
  const afterSeq = decodeCursor(o.after);
  const problems: Problem[] = [];
  if (page.province !== o.province) problems.push({ path: '/province', message: `must be ${o.province}` });
  let prev = afterSeq;
  page.entries.forEach((e, i) => {
    if (e.seq <= prev) problems.push({ path: `/entries/${i}/seq`, message: `must be greater than ${prev}` });
    prev = Math.max(prev, e.seq);
    problems.push(...checkCanonicalEvent(e.event, `/entries/${i}/event`, o.province));
  });
  let nextSeq: number | null = null;
  try {
    nextSeq = decodeCursor(page.next);
  } catch (err) {
    problems.push({ path: '/next', message: (err as Error).message });
  }
  if (nextSeq !== null && nextSeq !== prev) problems.push({ path: '/next', message: `must stand for seq ${prev}` });
  if (problems.length) {
    throw new InterchangeError('INVALID_BATCH', `invalid pull page: ${describeProblems(problems)}`, problems);
  }
  return page;
}
