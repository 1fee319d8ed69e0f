export type AuditOutcome = 'ok' | 'denied' | 'error';

/** One fact worth keeping: who did what to which thing, and whether it was allowed. */
export interface AuditEntryInput {
  /** Principal id, `anonymous`, or a system actor such as `system:normalizer`. */
  actor: string;
  /** Dotted verb, e.g. `ingest.upload`, `credential.issue`, `dept.read`, `auth.refused`. */
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditEntry extends Required<Omit<AuditEntryInput, 'details'>> {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}
