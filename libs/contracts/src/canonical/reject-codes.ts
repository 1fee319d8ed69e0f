/** Reject codes of data standard v1 (INSURER-FORMATS.md § Rejections), plus VERSION_CONFLICT which only the pipeline uses. */
export const REJECT_CODES = [
  'MALFORMED_FILE',
  'MALFORMED_RECORD',
  'MISSING_FIELD',
  'INVALID_USCC',
  'UNKNOWN_REGION',
  'UNKNOWN_SECTOR',
  'INVALID_ENUM',
  'INVALID_DATE',
  'INVALID_PERIOD',
  'INVALID_AMOUNT',
  'INVALID_NUMBER',
  'FIELD_TOO_LONG',
  'INSURER_MISMATCH',
  'VERSION_CONFLICT',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** The codes a single record can get from the normaliser (not the file-level or pipeline-only ones). */
export const RECORD_REJECT_CODES = REJECT_CODES.filter(
  (c): c is Exclude<RejectCode, 'MALFORMED_FILE' | 'VERSION_CONFLICT'> =>
    c !== 'MALFORMED_FILE' && c !== 'VERSION_CONFLICT',
);

const REJECT_CODE_SET: ReadonlySet<string> = new Set(REJECT_CODES);
export function isRejectCode(value: unknown): value is RejectCode {
  return typeof value === 'string' && REJECT_CODE_SET.has(value);
}

/**
 * One rejected record: `recordIndex` is its 1-based position in its file (0 for a file rejected as a whole),
 * `sourceId` the insurer's record id when it could be read.
 */
export interface RecordReject {
  recordIndex: number;
  code: RejectCode;
  message: string;
  sourceId: string | null;
}
