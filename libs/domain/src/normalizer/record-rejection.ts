import type { RejectCode } from '@ajx/contracts';

/** Thrown by the canonical rules when a record cannot be normalised; the normaliser turns it into a reject. */
export class RecordRejection extends Error {
  override readonly name = 'RecordRejection';
  constructor(
    readonly code: RejectCode,
    message: string,
  ) {
    super(message);
  }
}

export function reject(code: RejectCode, message: string): never {
  throw new RecordRejection(code, message);
}
