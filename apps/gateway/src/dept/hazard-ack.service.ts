import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { departmentScopeOf, DeptViewRepository, HazardEscalationRepository } from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { apiError } from '../http/api-error';
import type { AcknowledgementDto } from './dto/feed.dto';

/**
 * Acknowledgement of a major hazard by a department it was sent to. The hazard is looked up in the department's own
 * view first (row-level security: 404 when it is not there); the acknowledgement is then recorded on the service
 * connection, which alone may change escalations.
 */
@Injectable()
export class HazardAckService {
  constructor(
    private readonly views: DeptViewRepository,
    private readonly escalations: HazardEscalationRepository,
    private readonly audit: AuditLog,
  ) {}

  async acknowledge(
    principal: Principal,
    subject: string,
    insurer: string | undefined,
    requestId?: string,
  ): Promise<AcknowledgementDto> {
    const scope = departmentScopeOf(principal);
    const rows = await this.views.bySubject(scope, 'hazard', subject, insurer);
    const target = `hazard:${insurer ?? rows[0]?.insurer ?? '*'}:${subject}`;
    const refuse = async (status: number, code: string, message: string, details?: unknown) => {
      await this.audit.record({
        actor: principal.id,
        action: 'hazard.acknowledge',
        target,
        outcome: 'denied',
        details: { code },
        requestId,
      });
      return apiError(status, code, message, details);
    };
    if (rows.length === 0) throw await refuse(404, 'NOT_FOUND', `no hazard ${subject} in your view`);
    if (rows.length > 1) {
      throw await refuse(409, 'AMBIGUOUS_SUBJECT', `${subject} exists for several insurers; add ?insurer=`, {
        insurers: rows.map((r) => r.insurer),
      });
    }
    const result = await this.escalations.acknowledge(scope.departmentId, rows[0].insurer, subject);
    if (result.outcome === 'not-urgent') {
      throw await refuse(409, 'NOT_URGENT', `hazard ${subject} is not in the urgent lane (not a major hazard)`);
    }
    if (result.outcome === 'not-notified') {
      throw await refuse(409, 'NOT_NOTIFIED', `hazard ${subject} has not been escalated to your department`);
    }
    const e = result.escalation;
    await this.audit.record({
      actor: principal.id,
      action: 'hazard.acknowledge',
      target,
      outcome: 'ok',
      details: { version: e.version, tier: e.tier, state: e.state, stoppedEscalation: result.first },
      requestId,
    });
    return {
      insurer: e.insurer,
      subject: e.subject,
      version: e.version,
      state: e.state,
      tier: e.tier,
      acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
      acknowledgedByYou: e.acknowledgedBy === scope.departmentId,
    };
  }
}
