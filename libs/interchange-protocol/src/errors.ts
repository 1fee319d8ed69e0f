/**
 * Error semantics of the interchange protocol: every refusal has an HTTP status, a stable code, a human message
 * and, for malformed input, the specific problems. The sender decides what to do from the status (and, for 401,
 * the code) — see `classifyResponse`.
 */

export const INTERCHANGE_ERROR_STATUS = {
  /** The body is not JSON. */
  MALFORMED_JSON: 400,
  /** The body is JSON but not a valid batch / manifest / report (see `problems`). */
  INVALID_BATCH: 400,
  INVALID_MANIFEST: 400,
  INVALID_REPORT: 400,
  INVALID_CURSOR: 400,
  /**
   * A reconciliation report about a day that is not closed yet (today or later, Beijing) or older than the hub accepts
   * reports for: a report re-sends the whole day.
   */
  DATE_OUT_OF_RANGE: 400,
  /** The batch or one of its events belongs to another province than the receiver's. */
  WRONG_PROVINCE: 400,
  /** `batchId` is not the id the protocol derives from the batch's sender, province, scope and sequence numbers. */
  BATCH_ID_MISMATCH: 400,
  SIGNATURE_MISSING: 401,
  SIGNATURE_MALFORMED: 401,
  UNKNOWN_KEY: 401,
  SIGNATURE_MISMATCH: 401,
  /** `X-AJX-Timestamp` is further from the receiver's clock than the tolerance window. */
  TIMESTAMP_OUT_OF_WINDOW: 401,
  /** This exact signed request was already received. */
  REPLAYED: 401,
  /** The key is valid but bound to another sender than the one the body names. */
  SENDER_NOT_ALLOWED: 403,
  /** The batch id was already accepted with different content. */
  BATCH_CONFLICT: 409,
  /** The hub will not re-send this day to this key's endpoint (it does not push, or too many re-sends of the day). */
  RESEND_REFUSED: 409,
  /** Too many bytes or too many entries: split the batch. */
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type InterchangeErrorCode = keyof typeof INTERCHANGE_ERROR_STATUS;

/** One specific thing wrong with a document; `path` is a JSON Pointer into it (`/entries/3/event/id`). */
export interface Problem {
  path: string;
  message: string;
}

/** The JSON body of every error answer. */
export interface InterchangeErrorBody {
  code: InterchangeErrorCode;
  message: string;
  /** Whether sending the same request again (re-signed) may succeed. */
  retryable: boolean;
  problems?: Problem[];
}

const RETRYABLE: ReadonlySet<InterchangeErrorCode> = new Set([
  'TIMESTAMP_OUT_OF_WINDOW',
  'REPLAYED',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
]);

/** Problems listed in one answer at most; the count of the rest is reported in the message. */
export const MAX_PROBLEMS = 50;

export class InterchangeError extends Error {
  readonly status: number;
  constructor(
    readonly code: InterchangeErrorCode,
    message: string,
    readonly problems: Problem[] = [],
    /** Seconds for a Retry-After header (429/503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'InterchangeError';
    this.status = INTERCHANGE_ERROR_STATUS[code];
  }

  toBody(): InterchangeErrorBody {
    const body: InterchangeErrorBody = { code: this.code, message: this.message, retryable: RETRYABLE.has(this.code) };
    if (this.problems.length) body.problems = this.problems.slice(0, MAX_PROBLEMS);
    return body;
  }
}

export function isRetryableCode(code: InterchangeErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** A problem list as one readable line (for messages and logs). */
export function describeProblems(problems: Problem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.path || '/'}: ${p.message}`);
  const rest = problems.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; and ${rest} more` : shown.join('; ');
}
