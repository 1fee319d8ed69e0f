import type { FindingMessage } from '@ajx/contracts';
import type { StoredFinding } from './supervision-findings.repository';

/**
 * A finding's current state as the message of `ajx.findings.v1`: what the supervisor publishes, and what the router
 * re-projects for a department created later (the same content either way).
 */
export function findingMessageOf(f: StoredFinding, change: FindingMessage['change']): FindingMessage {
  return {
    findingId: f.findingId,
    version: f.version,
    change,
    at: f.updatedAt.toISOString(),
    rule: f.rule,
    key: f.key,
    severity: f.severity,
    insurer: f.insurer,
    uscc: f.uscc,
    regionCode: f.regionCode,
    sector: f.sector,
    facts: f.facts,
    message: f.message,
    state: f.state,
    openedAt: f.openedAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
    evaluatedOn: f.evaluatedOn,
    review: f.review
      ? { decision: f.review.decision, reason: f.review.reason, by: f.review.by, at: f.review.at.toISOString() }
      : null,
  };
}
