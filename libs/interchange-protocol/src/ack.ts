import { describeProblems } from './errors';
import { ackSchema } from './schemas';
import { schemaChecker } from './validation';

/** The receiver's answer (200) to a batch it has durably recorded. */
export interface BatchAck {
  batchId: string;
  /** `already-accepted`: this batch id was recorded before with the same content; nothing was recorded again. */
  status: 'accepted' | 'already-accepted';
  /** Entries recorded for this batch (all of them: a receiver records a batch whole or not at all). */
  accepted: number;
  /** Of those, entries whose event (same id and content) the receiver had already received in another batch. */
  duplicateEntries: number;
  /** The highest hub sequence number the receiver has recorded from this sender's push stream. */
  watermark: number;
  acknowledgedAt: string;
}

const checkAck = schemaChecker<BatchAck>(ackSchema);

/**
 * Reads an acknowledgement (sender side). An answer that is not a valid ack for `batchId` is not an
 * acknowledgement: the sender treats the delivery as not acknowledged and retries.
 */
export function parseAck(value: unknown, batchId: string): BatchAck {
  const checked = checkAck(value);
  if (!checked.ok) throw new Error(`invalid acknowledgement: ${describeProblems(checked.problems)}`);
  if (checked.value.batchId !== batchId) {
    throw new Error(`the acknowledgement is for batch ${checked.value.batchId}, not ${batchId}`);
  }
  return checked.value;
}
