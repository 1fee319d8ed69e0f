import { applyDecorators, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, InterchangeSigned, RequestId, Roles, Signed } from '../auth/auth.decorators';
import type { SignedRequest } from '../auth/request-principal';
import { DailyManifestDto, InterchangeErrorDto, PullPageDto, ResendScheduledDto } from './dto/interchange.dto';
import { InterchangeService } from './interchange.service';
import { RawBody } from '../http/json-body';

/** The protocol's signature headers (docs/interchange.md, Signing). */
const SignatureHeaders = () =>
  applyDecorators(
    ApiHeader({ name: 'X-AJX-Key-Id', required: false, description: 'interchange key (instead of a bearer token)' }),
    ApiHeader({ name: 'X-AJX-Timestamp', required: false, description: 'unix seconds when the request was signed' }),
    ApiHeader({
      name: 'X-AJX-Signature',
      required: false,
      description: 'v1=<hex HMAC-SHA256(secret, "<timestamp>.<payload>")> (docs/interchange.md)',
    }),
  );

@ApiTags('interchange')
@ApiBearerAuth()
@ApiSecurity('ajxSignature')
@Roles('province')
@Controller('v1/interchange')
export class InterchangeController {
  constructor(private readonly interchange: InterchangeService) {}

  @Get('events')
  @InterchangeSigned()
  @ApiOperation({
    summary: "Pull the province's canonical events after a cursor (拉取)",
    description:
      'Entries in hub sequence order, only of the calling province. Authenticated by a province bearer token or a ' +
      'request signed over "GET <path?query>" with the endpoint key. Ask again with `next` until `hasMore` is false.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'cursor from a previous page (absent: from the start)' })
  @ApiQuery({ name: 'limit', required: false, description: 'entries per page, 1–1000 (default 500)' })
  @SignatureHeaders()
  @ApiOkResponse({ type: PullPageDto })
  @ApiBadRequestResponse({ type: InterchangeErrorDto, description: 'INVALID_CURSOR' })
  pull(
    @CurrentPrincipal() me: Principal,
    @Signed() signed: SignedRequest | undefined,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
    @RequestId() rid?: string,
  ): Promise<PullPageDto> {
    return this.interchange.pull(me, after, limit, signed?.endpoint ?? null, rid);
  }

  @Get('manifests/:date')
  @InterchangeSigned()
  @ApiOperation({
    summary: 'The daily manifest of a Beijing date of acceptance (每日清单), as the hub holds it now',
    description: 'Counts and digests of event ids per insurer and kind, with the audit chain head (auditAnchor).',
  })
  @ApiParam({ name: 'date', example: '2024-06-03' })
  @ApiOkResponse({ type: DailyManifestDto })
  manifest(
    @CurrentPrincipal() me: Principal,
    @Signed() signed: SignedRequest | undefined,
    @Param('date') date: string,
    @RequestId() rid?: string,
  ): Promise<DailyManifestDto> {
    return this.interchange.manifest(me, date, signed?.endpoint ?? null, rid);
  }

  @Post('reconciliation/:date')
  @RawBody()
  @HttpCode(202)
  @InterchangeSigned('required')
  @ApiOperation({
    summary: 'Report that a day does not match (对账不符); the hub re-sends that day',
    description:
      'Signed with the endpoint key (the key names the endpoint the day is re-sent to). Body: a reconciliation ' +
      'report (docs/openapi/interchange.yaml). 202 once the re-send is scheduled; a re-send of the day still open is ' +
      'joined. The re-sent batches have mode "resend" and ids of their own.',
  })
  @ApiParam({ name: 'date', example: '2024-06-03' })
  @SignatureHeaders()
  @ApiBody({ schema: { type: 'object', description: 'ReconciliationReport (docs/openapi/interchange.yaml)' } })
  @ApiAcceptedResponse({ type: ResendScheduledDto })
  @ApiBadRequestResponse({ type: InterchangeErrorDto, description: 'INVALID_REPORT, WRONG_PROVINCE, MALFORMED_JSON' })
  @ApiConflictResponse({ type: InterchangeErrorDto, description: 'RESEND_REFUSED' })
  report(
    @CurrentPrincipal() me: Principal,
    @Param('date') date: string,
    @Signed() signed: SignedRequest | undefined,
    @RequestId() rid?: string,
  ): Promise<ResendScheduledDto> {
    return this.interchange.report(me, signed!.endpoint, date, signed!.rawBody!, rid);
  }
}
