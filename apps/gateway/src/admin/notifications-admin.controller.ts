import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { DeliveriesPageDto } from '../dept/dto/feed.dto';
import {
  AdminDeliveriesQueryDto,
  EscalationDto,
  EscalationsQueryDto,
  WebhookEndpointAdminDto,
} from './dto/notifications.dto';
import { NotificationsAdminService } from './notifications-admin.service';

/** Operators' view of deliveries and escalations (service connection: every department). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin')
export class NotificationsAdminController {
  constructor(private readonly notifications: NotificationsAdminService) {}

  @Get('webhooks')
  @ApiOperation({ summary: 'Every department webhook endpoint with its delivery counts (no secrets)' })
  @ApiOkResponse({ type: [WebhookEndpointAdminDto] })
  webhooks(@CurrentPrincipal() me: Principal, @RequestId() rid?: string): Promise<WebhookEndpointAdminDto[]> {
    return this.notifications.webhooks(me, rid);
  }

  @Get('webhooks/deliveries')
  @ApiOperation({ summary: 'Webhook deliveries of every department, newest first (dead ones: state=dead)' })
  @ApiOkResponse({ type: DeliveriesPageDto })
  deliveries(
    @Query() q: AdminDeliveriesQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ): Promise<DeliveriesPageDto & { items: { department: string }[] }> {
    return this.notifications.deliveries(q, me, rid);
  }

  @Get('escalations')
  @ApiOperation({ summary: 'Escalations of the urgent lane (major hazards, urgent accidents) by state and kind' })
  @ApiOkResponse({ type: [EscalationDto] })
  list(
    @Query() q: EscalationsQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ): Promise<EscalationDto[]> {
    return this.notifications.escalationList(q, me, rid);
  }
}
