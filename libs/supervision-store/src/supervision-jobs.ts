/**
 * The supervisor's BullMQ queue: the daily full evaluation (a job scheduler), a catch-up at start, a register change,
 * and operators' requests (enqueued by the gateway). One worker at a time takes a job; ids deduplicate requests.
 */
export const SUPERVISION_QUEUE = 'supervision';

/** Evaluates every enterprise on the day the supervisor evaluates (today in Beijing). */
export const EVALUATE_ALL_JOB = 'evaluate-all';

export interface EvaluateAllJob {
  reason: 'start' | 'daily' | 'register' | 'operator';
  requestedBy: string;
}
