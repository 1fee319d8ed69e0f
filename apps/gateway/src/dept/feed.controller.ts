import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { writeEventStream } from '../http/event-stream';
import { DeptWebhookService } from './dept-webhook.service';
import {
  AckBodyDto,
  AckQueryDto,
  AcknowledgementDto,
  DeliveriesPageDto,
  DeliveriesQueryDto,
  FeedPageDto,
  FeedQueryDto,
  FeedStreamQueryDto,
  WebhookConfigDto,
  WebhookDto,
} from './dto/feed.dto';
import { FeedStreamService } from './feed-stream.service';
import { FeedService } from './feed.service';
import { UrgentAckService } from './urgent-ack.service';

/** Registered before DeptController, whose `:collection` routes would otherwise take these paths. */
@ApiTags('department')
@ApiBearerAuth()
@Roles('department')
@Controller('v1/dept')
export class FeedController {
  constructor(
    private readonly feed: FeedService,
    private readonly streams: FeedStreamService,
    private readonly webhooks: DeptWebhookService,
    private readonly acks: UrgentAckService,
  ) {}

  @Get('feed')
  @ApiOperation({ summary: "The department's feed in commit order, after a cursor (never skips a late commit)" })
  @ApiOkResponse({ type: FeedPageDto })
  page(@Query() q: FeedQueryDto, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.feed.page(me, q, rid);
  }

  @Get('feed/stream')
  @ApiOperation({
    summary: 'The feed as server-sent events; resumes from Last-Event-ID (or ?after=); urgent entries first',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'the id of the last event received' })
  @ApiOkResponse({ description: 'an event stream: `id: <cursor>` and `data: <FeedEntry JSON>` per entry' })
  async stream(
    @Query() q: FeedStreamQueryDto,
    @CurrentPrincipal() me: Principal,
    @Req() req: Request,
    @Res() res: Response,
    @RequestId() rid?: string,
  ): Promise<void> {
    const from = { lastEventId: req.header('last-event-id'), after: q.after };
    return writeEventStream(req, res, await this.streams.stream(me, from, rid));
  }

  @Put('webhook')
  @ApiOperation({ summary: 'Set the webhook endpoint and its signing secret' })
  @ApiOkResponse({ type: WebhookDto })
  configure(@Body() dto: WebhookConfigDto, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.webhooks.configure(me, dto, rid);
  }

  @Get('webhook')
  @ApiOperation({ summary: 'The webhook endpoint, its position in the feed and its deliveries (no secret)' })
  @ApiOkResponse({ type: WebhookDto })
  webhook(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.webhooks.get(me, rid);
  }

  @Delete('webhook')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the webhook endpoint (undelivered entries stay in the feed)' })
  @ApiNoContentResponse()
  remove(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.webhooks.remove(me, rid);
  }

  @Get('webhook/deliveries')
  @ApiOperation({ summary: 'Webhook deliveries, newest first (dead ones: state=dead)' })
  @ApiOkResponse({ type: DeliveriesPageDto })
  deliveries(@Query() q: DeliveriesQueryDto, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.webhooks.deliveries(me, q, rid);
  }

  @Post('hazards/:subject/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge a major hazard of the urgent lane, optionally with a note (处置意见): its escalation stops',
  })
  @ApiOkResponse({ type: AcknowledgementDto })
  acknowledge(
    @Param('subject') subject: string,
    @Query() q: AckQueryDto,
    @Body() body: AckBodyDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.acks.acknowledge(me, 'hazard', subject, q.insurer, body.note ?? null, rid);
  }

  @Get('hazards/:subject/ack')
  @ApiOperation({ summary: "A major hazard's place in the urgent lane and its acknowledgements with their notes" })
  @ApiOkResponse({ type: AcknowledgementDto })
  hazardAcknowledgements(
    @Param('subject') subject: string,
    @Query() q: AckQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.acks.state(me, 'hazard', subject, q.insurer, rid);
  }

  @Post('accidents/:subject/ack')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Acknowledge an urgent accident (a death, or graded 较大 and above), optionally with a note (处置意见): its escalation stops',
  })
  @ApiOkResponse({ type: AcknowledgementDto })
  acknowledgeAccident(
    @Param('subject') subject: string,
    @Query() q: AckQueryDto,
    @Body() body: AckBodyDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.acks.acknowledge(me, 'accident', subject, q.insurer, body.note ?? null, rid);
  }

  @Get('accidents/:subject/ack')
  @ApiOperation({ summary: "An urgent accident's place in the urgent lane and its acknowledgements with their notes" })
  @ApiOkResponse({ type: AcknowledgementDto })
  accidentAcknowledgements(
    @Param('subject') subject: string,
    @Query() q: AckQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.acks.state(me, 'accident', subject, q.insurer, rid);
  }
}
