import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import { RULE_TITLES } from '@ajx/supervision';
import {
  foundOn,
  type FindingReviewDecision,
  type ScopedRead,
  type StoredFinding,
  SupervisionFindingsRepository,
  SupervisionReadRepository,
  SupervisionRunsRepository,
} from '@ajx/supervision-store';
import { apiError } from '../http/api-error';
import type { FindingDetailDto, FindingDto, FindingPageDto, FindingQueryDto } from './dto/finding.dto';
import { SupervisionScopes } from './supervision-scope.service';

/** A finding as the API shows it; `lastRunOn`: the date of the last finished evaluation run (see `foundOn`). */
export function findingDto(f: StoredFinding, lastRunOn: string | null): FindingDto {
  return {
    id: f.findingId,
    rule: f.rule,
    title: RULE_TITLES[f.rule],
    key: f.key,
    severity: f.severity,
    state: f.state,
    insurer: f.insurer,
    uscc: f.uscc,
    regionCode: f.regionCode,
    sector: f.sector,
    facts: f.facts,
    message: f.message,
    openedAt: f.openedAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
    evaluatedOn: foundOn(f, lastRunOn),
    review: f.review
      ? { decision: f.review.decision, reason: f.review.reason, by: f.review.by, at: f.review.at.toISOString() }
      : null,
    version: f.version,
    updatedAt: f.updatedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function encodeCursor(f: StoredFinding): string {
  return Buffer.from(JSON.stringify([f.updatedAt.toISOString(), f.findingId])).toString('base64url');
}

function decodeCursor(s: string): { updatedAt: Date; findingId: string } {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && UUID.test(v[1])) {
      const at = new Date(v[0]);
      if (Number.isFinite(at.getTime())) return { updatedAt: at, findingId: v[1] };
    }
  } catch {
    // fall through
  }
  throw apiError(400, 'INVALID_CURSOR', 'after is not a cursor returned by this API');
}

/**
 * Findings as departments and insurers see them: a department those of its jurisdiction and sectors, an insurer
 * those attributed to it (row-level security on the API role enforces both), and departments' reviews.
 */
@Injectable()
export class FindingsService {
  constructor(
    private readonly scopes: SupervisionScopes,
    private readonly reads: SupervisionReadRepository,
    private readonly findings: SupervisionFindingsRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The date of the last finished evaluation run (null before the first). */
  async lastRunOn(): Promise<string | null> {
    return (await this.runs.lastCompleted())?.asOf ?? null;
  }

  async page(principal: Principal, q: FindingQueryDto, requestId?: string): Promise<FindingPageDto> {
    const scope = principal.type === 'insurer' ? this.scopes.ofInsurer(principal) : this.scopes.ofDepartment(principal);
    const limit = q.limit ?? 100;
    const rows = await this.reads.findings(scope, {
      rule: q.rule,
      state: q.state,
      region: q.region,
      sector: q.sector,
      insurer: q.insurer,
      uscc: q.uscc,
      since: q.since ? new Date(q.since) : undefined,
      after: q.after ? decodeCursor(q.after) : undefined,
      limit,
    });
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.findings.query',
      target: principal.type,
      outcome: 'ok',
      details: { filters: { ...q }, returned: rows.length },
      requestId,
    });
    const last = rows[rows.length - 1];
    const lastRunOn = await this.lastRunOn();
    return {
      items: rows.map((f) => findingDto(f, lastRunOn)),
      next: rows.length === limit && last ? encodeCursor(last) : null,
    };
  }

  async detail(principal: Principal, id: string, requestId?: string): Promise<FindingDetailDto> {
    const scope = this.scopes.ofDepartment(principal);
    const f = await this.visible(principal, scope, id, 'supervision.finding.read', requestId);
    const history = await this.reads.history(scope, id);
    return {
      ...findingDto(f, await this.lastRunOn()),
      history: history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
    };
  }

  /** A department confirms or dismisses a finding of its jurisdiction, with its reason (audited). */
  async review(
    principal: Principal,
    id: string,
    decision: FindingReviewDecision,
    reason: string,
    requestId?: string,
  ): Promise<FindingDto> {
    const scope = this.scopes.ofDepartment(principal);
    const action = `supervision.finding.${decision === 'confirmed' ? 'confirm' : 'dismiss'}`;
    await this.visible(principal, scope, id, action, requestId);
    const reviewed = await this.findings.review(id, decision, reason.trim(), principal.id);
    if (!reviewed) throw apiError(404, 'NOT_FOUND', `no finding ${id}`);
    await this.audit.record({
      actor: principal.id,
      action,
      target: id,
      outcome: 'ok',
      details: { rule: reviewed.rule, key: reviewed.key, reason: reason.trim(), version: reviewed.version },
      requestId,
    });
    return findingDto(reviewed, await this.lastRunOn());
  }

  /** The finding if the scope may see it; 404 exactly like a finding that does not exist otherwise (audited). */
  private async visible(
    principal: Principal,
    scope: ScopedRead,
    id: string,
    action: string,
    requestId?: string,
  ): Promise<StoredFinding> {
    const f = UUID.test(id) ? await this.reads.finding(scope, id) : null;
    if (!f) {
      await this.audit.record({ actor: principal.id, action, target: id, outcome: 'denied', requestId });
      throw apiError(404, 'NOT_FOUND', `no finding ${id}`);
    }
    return f;
  }
}
