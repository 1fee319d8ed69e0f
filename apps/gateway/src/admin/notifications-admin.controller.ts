import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AuditLog } from '@ajx/audit';
import { type EscalationState, HazardEscalationRepository, WebhookOutboxRepository } from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { DeliveriesPageDto, DeliveryCountsDto } from '../dept/dto/feed.dto';
import { deliveryDto } from '../dept/dept-webhook.service';

class AdminDeliveriesQueryDto {
  @ApiPropertyOptional({ description: 'a department principal id' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/)
  department?: string;

  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead'])
  state?: 'pending' | 'delivered' | 'dead';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class EscalationsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'closed', 'exhausted'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'closed', 'exhausted'])
  state?: EscalationState;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class WebhookEndpointAdminDto {
  @ApiProperty() department!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'sequence number up to which every entry is delivered or dead' }) deliveredUpTo!: number;
  @ApiProperty({ description: 'the department feed’s last sequence number' }) head!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: DeliveryCountsDto }) counts!: DeliveryCountsDto;
}

class UrgentTiersDto {
  @ApiProperty({ type: [String] }) county!: string[];
  @ApiProperty({ type: [String] }) city!: string[];
  @ApiProperty({ type: [String] }) province!: string[];
}

class EscalationDto {
  @ApiProperty() insurer!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['open', 'acknowledged', 'closed', 'exhausted'] }) state!: string;
  @ApiProperty({ enum: ['county', 'city', 'province'] }) tier!: string;
  @ApiProperty({ format: 'date-time', description: 'when the current tier was notified (the timer runs from it)' })
  tierStartedAt!: string;
  @ApiProperty({ type: UrgentTiersDto }) plan!: UrgentTiersDto;
  @ApiPropertyOptional({ nullable: true }) acknowledgedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) acknowledgedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) closedReason!: string | null;
}

/** Operators' view of deliveries and escalations (service connection: every department). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin')
export class NotificationsAdminController {
  constructor(
    private readonly outbox: WebhookOutboxRepository,
    private readonly escalations: HazardEscalationRepository,
    private readonly audit: AuditLog,
  ) {}

  @Get('webhooks')
  @ApiOperation({ summary: 'Every department webhook endpoint with its delivery counts (no secrets)' })
  @ApiOkResponse({ type: [WebhookEndpointAdminDto] })
  async webhooks(@CurrentPrincipal() me: Principal, @RequestId() rid?: string): Promise<WebhookEndpointAdminDto[]> {
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

  @Get('webhooks/deliveries')
  @ApiOperation({ summary: 'Webhook deliveries of every department, newest first (dead ones: state=dead)' })
  @ApiOkResponse({ type: DeliveriesPageDto })
  async deliveries(
    @Query() q: AdminDeliveriesQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
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

  @Get('escalations')
  @ApiOperation({ summary: 'Major-hazard escalations (urgent lane) by state' })
  @ApiOkResponse({ type: [EscalationDto] })
  async list(
    @Query() q: EscalationsQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ): Promise<EscalationDto[]> {
    const rows = await this.escalations.list(q.state ?? null, null, q.limit ?? 100);
    await this.audit.record({
      actor: me.id,
      action: 'admin.escalations',
      outcome: 'ok',
      details: { state: q.state ?? null, returned: rows.length },
      requestId: rid,
    });
    return rows.map((e) => ({
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
    }));
  }
}
