import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  type Acknowledgement,
  departmentScopeOf,
  DeptViewRepository,
  type Escalation,
  notifiedDepartments,
  UrgentEscalationRepository,
  type UrgentKind,
} from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { apiError } from '../http/api-error';
import type { AcknowledgementDto } from './dto/feed.dto';

/** What the urgent lane calls each kind in messages. */
const WHAT: Record<UrgentKind, { name: string; urgent: string }> = {
  hazard: { name: 'hazard', urgent: 'not a major hazard' },
  accident: { name: 'accident', urgent: 'no death and graded below 较大 (larger)' },
};

function toDto(e: Escalation, departmentId: string, acks: readonly Acknowledgement[]): AcknowledgementDto {
  return {
    kind: e.kind,
    insurer: e.insurer,
    subject: e.subject,
    version: e.version,
    state: e.state,
    tier: e.tier,
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    acknowledgedByYou: e.acknowledgedBy === departmentId,
    note: acks.find((a) => a.departmentId === departmentId)?.note ?? null,
    acknowledgements: acks.map((a) => ({
      department: a.departmentId,
      tier: a.tier,
      version: a.version,
      at: a.at.toISOString(),
      note: a.note,
    })),
  };
}

/**
 * Acknowledgement of an urgent record — a major hazard or an urgent accident — by a department it was sent to, with
 * an optional note (处置意见). The record is looked up in the department's own view first (row-level security: 404
 * when it is not there); the acknowledgement is then recorded on the service connection, which alone may change
 * escalations. The departments of the lane notified so far see each other's acknowledgements and notes.
 */
@Injectable()
export class UrgentAckService {
  constructor(
    private readonly views: DeptViewRepository,
    private readonly escalations: UrgentEscalationRepository,
    private readonly audit: AuditLog,
  ) {}

  async acknowledge(
    principal: Principal,
    kind: UrgentKind,
    subject: string,
    insurer: string | undefined,
    note: string | null,
    requestId?: string,
  ): Promise<AcknowledgementDto> {
    const scope = departmentScopeOf(principal);
    const { insurer: held, target, refuse } = await this.held(principal, kind, subject, insurer, requestId);
    const result = await this.escalations.acknowledge(scope.departmentId, kind, held, subject, note);
    if (result.outcome === 'not-urgent') {
      throw await refuse(409, 'NOT_URGENT', `${kind} ${subject} is not in the urgent lane (${WHAT[kind].urgent})`);
    }
    if (result.outcome === 'not-notified') {
      throw await refuse(409, 'NOT_NOTIFIED', `${kind} ${subject} has not been escalated to your department`);
    }
    const e = result.escalation;
    await this.audit.record({
      actor: principal.id,
      action: `${kind}.acknowledge`,
      target,
      outcome: 'ok',
      details: {
        version: e.version,
        tier: e.tier,
        state: e.state,
        stoppedEscalation: result.first,
        note: result.acknowledgement.note,
      },
      requestId,
    });
    const acks = await this.escalations.acknowledgements([{ kind, insurer: held, subject }]);
    return toDto(e, scope.departmentId, acks);
  }

  /** The record's place in the urgent lane and its acknowledgements, for a department notified of it. */
  async state(
    principal: Principal,
    kind: UrgentKind,
    subject: string,
    insurer: string | undefined,
    requestId?: string,
  ): Promise<AcknowledgementDto> {
    const scope = departmentScopeOf(principal);
    const { insurer: held, target, refuse } = await this.held(principal, kind, subject, insurer, requestId, 'read');
    const e = await this.escalations.get(kind, held, subject);
    if (!e)
      throw await refuse(409, 'NOT_URGENT', `${kind} ${subject} is not in the urgent lane (${WHAT[kind].urgent})`);
    if (!notifiedDepartments(e.plan, e.tier).has(scope.departmentId))
      throw await refuse(409, 'NOT_NOTIFIED', `${kind} ${subject} has not been escalated to your department`);
    await this.audit.record({
      actor: principal.id,
      action: `${kind}.acknowledgement.read`,
      target,
      outcome: 'ok',
      requestId,
    });
    return toDto(e, scope.departmentId, await this.escalations.acknowledgements([{ kind, insurer: held, subject }]));
  }

  /** The record in the caller's view (404 / 409 refused and audited), and a refusal that audits. */
  private async held(
    principal: Principal,
    kind: UrgentKind,
    subject: string,
    insurer: string | undefined,
    requestId: string | undefined,
    verb: 'acknowledge' | 'read' = 'acknowledge',
  ) {
    const rows = await this.views.bySubject(departmentScopeOf(principal), kind, subject, insurer);
    const target = `${kind}:${insurer ?? rows[0]?.insurer ?? '*'}:${subject}`;
    const action = verb === 'acknowledge' ? `${kind}.acknowledge` : `${kind}.acknowledgement.read`;
    const refuse = async (status: number, code: string, message: string, details?: unknown) => {
      await this.audit.record({ actor: principal.id, action, target, outcome: 'denied', details: { code }, requestId });
      return apiError(status, code, message, details);
    };
    if (rows.length === 0) throw await refuse(404, 'NOT_FOUND', `no ${WHAT[kind].name} ${subject} in your view`);
    if (rows.length > 1) {
      throw await refuse(409, 'AMBIGUOUS_SUBJECT', `${subject} exists for several insurers; add ?insurer=`, {
        insurers: rows.map((r) => r.insurer),
      });
    }
    return { insurer: rows[0].insurer, target, refuse };
  }
}
