import type { RejectCode } from '@ajx/contracts';

/** Thrown by the canonical rules when a record cannot be normalised; the normaliser turns it into a reject. */
export class RecordRejection extends Error {
  override readonly name = 'RecordRejection';
  readonly code: RejectCode;

  constructor(code: RejectCode, message: string) {
    // A rejection is an answer, not a fault: no stack trace (capturing one costs more than normalising a record).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.code = code;
  }
}

export function reject(code: RejectCode, message: string): never {
  throw new RecordRejection(code, message);
}
