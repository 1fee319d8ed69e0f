import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { UrgentEscalationRepository, WebhookOutboxRepository } from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { type DeliveriesPageDto, deliveryDto } from '../dept/dto/feed.dto';
import type {
  AdminDeliveriesQueryDto,
  EscalationDto,
  EscalationsQueryDto,
  WebhookEndpointAdminDto,
} from './dto/notifications.dto';

/** Operators' view of deliveries and escalations (service connection: every department). Audited. */
@Injectable()
export class NotificationsAdminService {
  constructor(
    private readonly outbox: WebhookOutboxRepository,
    private readonly escalations: UrgentEscalationRepository,
    private readonly audit: AuditLog,
  ) {}

  async webhooks(me: Principal, rid?: string): Promise<WebhookEndpointAdminDto[]> {
    const rows = await this.outbox.endpoints();
    await this.audit.record({ actor: me.id, action: 'admin.webhooks', outcome: 'ok', requestId: rid });
    return rows.map((r) => ({
      department: r.departmentId,
      url: r.url,
      deliveredUpTo: r.cursor,
      head: r.head,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      counts: r.counts,
    }));
  }

  async deliveries(
    q: AdminDeliveriesQueryDto,
    me: Principal,
    rid?: string,
  ): Promise<DeliveriesPageDto & { items: { department: string }[] }> {
    const rows = await this.outbox.deliveries({ departmentId: q.department, state: q.state, limit: q.limit ?? 100 });
    await this.audit.record({
      actor: me.id,
      action: 'admin.webhook.deliveries',
      outcome: 'ok',
      details: { department: q.department ?? null, state: q.state ?? null, returned: rows.length },
      requestId: rid,
    });
    return { items: rows.map((d) => ({ ...deliveryDto(d), department: d.departmentId })) };
  }

  async escalationList(q: EscalationsQueryDto, me: Principal, rid?: string): Promise<EscalationDto[]> {
    const rows = await this.escalations.list(q.state ?? null, null, q.limit ?? 100, q.kind ?? null);
    const acks = await this.escalations.acknowledgements(rows);
    await this.audit.record({
      actor: me.id,
      action: 'admin.escalations',
      outcome: 'ok',
      details: { state: q.state ?? null, kind: q.kind ?? null, returned: rows.length },
      requestId: rid,
    });
    return rows.map((e) => ({
      kind: e.kind,
      insurer: e.insurer,
      subject: e.subject,
      version: e.version,
      state: e.state,
      tier: e.tier,
      tierStartedAt: e.tierStartedAt.toISOString(),
      plan: { county: [...e.plan.county], city: [...e.plan.city], province: [...e.plan.province] },
      acknowledgedBy: e.acknowledgedBy,
      acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
      closedReason: e.closedReason,
      acknowledgements: acks
        .filter((a) => a.kind === e.kind && a.insurer === e.insurer && a.subject === e.subject)
        .map((a) => ({
          department: a.departmentId,
          tier: a.tier,
          version: a.version,
          at: a.at.toISOString(),
          note: a.note,
        })),
    }));
  }
}
