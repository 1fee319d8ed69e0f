import type { EncodedMessage, ReceivedMessage } from './kafka-message';

/** What happened to a finding in this version. */
export const FINDING_CHANGES = ['opened', 'updated', 'resolved', 'reopened', 'confirmed', 'dismissed'] as const;
export type FindingChangeKind = (typeof FINDING_CHANGES)[number];

/** A department's review of a finding (SUPERVISION.md, Findings). */
export interface FindingReviewMessage {
  decision: 'confirmed' | 'dismissed';
  reason: string;
  by: string;
  /** RFC 3339. */
  at: string;
}

/**
 * A version of a supervision finding on `ajx.findings.v1` (key = finding id): the finding as it is after the change,
 * with the enterprise's region and sector that decide which departments receive it.
 */
export interface FindingMessage {
  findingId: string;
  version: number;
  change: FindingChangeKind;
  /** When the change happened, RFC 3339. */
  at: string;
  rule: string;
  key: string;
  severity: 'info' | 'warning' | 'violation';
  /** The insurer the finding is attributed to (null: the enterprise). */
  insurer: string | null;
  uscc: string;
  regionCode: string;
  sector: string;
  facts: Record<string, unknown>;
  message: string;
  state: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  /** The Beijing date of the evaluation behind this version. */
  evaluatedOn: string;
  review: FindingReviewMessage | null;
}

export class FindingMessageFormatError extends Error {
  override readonly name = 'FindingMessageFormatError';
}

export function encodeFindingMessage(m: FindingMessage): EncodedMessage {
  return { key: m.findingId, value: JSON.stringify(m), headers: {} };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Inverse of {@link encodeFindingMessage}: checks the shape and throws FindingMessageFormatError naming the field. */
export function decodeFindingMessage(m: ReceivedMessage): FindingMessage {
  let v: unknown;
  try {
    v = JSON.parse(m.value === null ? '' : m.value.toString());
  } catch (err) {
    throw new FindingMessageFormatError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FindingMessageFormatError('not an object');
  const o = v as Record<string, unknown>;
  const fail = (field: string, what: string): never => {
    throw new FindingMessageFormatError(`${field}: ${what}`);
  };
  const str = (f: string) => (typeof o[f] === 'string' && o[f] !== '' ? o[f] : fail(f, 'a string'));
  const nullableStr = (f: string) => (o[f] === null || typeof o[f] === 'string' ? o[f] : fail(f, 'a string or null'));
  if (!UUID.test(str('findingId'))) fail('findingId', 'a UUID');
  if (!Number.isSafeInteger(o.version) || (o.version as number) < 1) fail('version', 'a positive integer');
  if (!(FINDING_CHANGES as readonly unknown[]).includes(o.change)) fail('change', FINDING_CHANGES.join(' | '));
  if (!['info', 'warning', 'violation'].includes(o.severity as string)) fail('severity', 'info | warning | violation');
  if (!['open', 'resolved'].includes(o.state as string)) fail('state', 'open | resolved');
  if (!/^\d{6}$/.test(str('regionCode'))) fail('regionCode', 'six digits');
  if (!DATE.test(str('evaluatedOn'))) fail('evaluatedOn', 'YYYY-MM-DD');
  if (typeof o.facts !== 'object' || o.facts === null || Array.isArray(o.facts)) fail('facts', 'an object');
  const review = o.review;
  if (review !== null && (typeof review !== 'object' || Array.isArray(review))) fail('review', 'an object or null');
  for (const f of ['at', 'rule', 'key', 'uscc', 'sector', 'message', 'openedAt']) str(f);
  nullableStr('insurer');
  nullableStr('resolvedAt');
  return o as unknown as FindingMessage;
}
