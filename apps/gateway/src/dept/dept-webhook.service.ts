import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  type DepartmentScope,
  departmentScopeOf,
  DeptWebhookReadRepository,
  encodeFeedCursor,
  WebhookOutboxRepository,
} from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { checkWebhookUrl } from '@ajx/webhooks';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import {
  type DeliveriesPageDto,
  type DeliveriesQueryDto,
  deliveryDto,
  type WebhookConfigDto,
  type WebhookDto,
} from './dto/feed.dto';
import { feedPositionOf } from './feed.service';

/** The URL as written to the audit log: no query string (it may carry the receiver's own token). */
function auditedUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * A department's webhook endpoint. Configuration is written on the service connection (the API role cannot write,
 * nor read secrets); everything the department reads back comes through its own, row-level-secured connection.
 */
@Injectable()
export class DeptWebhookService {
  constructor(
    private readonly webhooks: DeptWebhookReadRepository,
    private readonly outbox: WebhookOutboxRepository,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
  ) {}

  async configure(principal: Principal, dto: WebhookConfigDto, requestId?: string): Promise<WebhookDto> {
    const scope = departmentScopeOf(principal);
    const checked = checkWebhookUrl(dto.url, this.config.webhookPolicy());
    if (!checked.ok) {
      await this.audit.record({
        actor: principal.id,
        action: 'webhook.configure',
        target: scope.departmentId,
        outcome: 'denied',
        details: { reason: checked.reason },
        requestId,
      });
      throw apiError(400, 'INVALID_WEBHOOK_URL', `url refused: ${checked.reason}`);
    }
    const startAfter = dto.after === undefined ? null : feedPositionOf(dto.after, scope.departmentId).seq;
    const { created, endpoint } = await this.outbox.configure(
      scope.departmentId,
      checked.url.toString(),
      this.config.webhookKeys().seal(scope.departmentId, dto.secret),
      startAfter,
    );
    await this.audit.record({
      actor: principal.id,
      action: 'webhook.configure',
      target: scope.departmentId,
      outcome: 'ok',
      details: { url: auditedUrl(checked.url), created, cursor: endpoint.cursor, secretChanged: true },
      requestId,
    });
    return (await this.view(scope))!;
  }

  async get(principal: Principal, requestId?: string): Promise<WebhookDto> {
    const scope = departmentScopeOf(principal);
    const view = await this.view(scope);
    await this.audit.record({
      actor: principal.id,
      action: 'webhook.read',
      target: scope.departmentId,
      outcome: view ? 'ok' : 'denied',
      requestId,
    });
    if (!view) throw apiError(404, 'NOT_FOUND', 'no webhook is configured (PUT /v1/dept/webhook)');
    return view;
  }

  private async view(scope: DepartmentScope): Promise<WebhookDto | null> {
    const endpoint = await this.webhooks.endpoint(scope);
    if (!endpoint) return null;
    const [inFlight] = await this.webhooks.deliveries(scope, { state: 'pending', limit: 1 });
    return {
      url: endpoint.url,
      cursor: encodeFeedCursor({ seq: endpoint.cursor, ahead: [] }, scope.departmentId),
      nextAttemptAt: endpoint.nextAttemptAt.toISOString(),
      createdAt: endpoint.createdAt.toISOString(),
      updatedAt: endpoint.updatedAt.toISOString(),
      counts: endpoint.counts,
      inFlight: inFlight ? deliveryDto(inFlight) : null,
    };
  }

  async remove(principal: Principal, requestId?: string): Promise<void> {
    const scope = departmentScopeOf(principal);
    const removed = await this.outbox.remove(scope.departmentId);
    await this.audit.record({
      actor: principal.id,
      action: 'webhook.remove',
      target: scope.departmentId,
      outcome: removed ? 'ok' : 'denied',
      requestId,
    });
    if (!removed) throw apiError(404, 'NOT_FOUND', 'no webhook is configured');
  }

  async deliveries(principal: Principal, q: DeliveriesQueryDto, requestId?: string): Promise<DeliveriesPageDto> {
    const scope = departmentScopeOf(principal);
    const rows = await this.webhooks.deliveries(scope, {
      state: q.state,
      beforeSeq: q.beforeSeq,
      limit: q.limit ?? 100,
    });
    await this.audit.record({
      actor: principal.id,
      action: 'webhook.deliveries',
      target: scope.departmentId,
      outcome: 'ok',
      details: { state: q.state ?? null, returned: rows.length },
      requestId,
    });
    return { items: rows.map(deliveryDto) };
  }
}
