import {
  Controller,
  DefaultValuePipe,
  Get,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@ajx/identity';
import { CredentialId, CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import type { IncomingUpload } from '../http/incoming-upload';
import { RawBody } from '../http/json-body';
import { Upload } from '../http/upload-body';
import { BatchReportService } from './batch-report.service';
import { BatchReportDto, IngestAcceptedDto, IngestRejectedDto } from './dto/ingest.dto';
import { IngestService } from './ingest.service';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('v1/ingest')
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly reports: BatchReportService,
  ) {}

  @Post(':insurer/files')
  @RawBody()
  @Roles('insurer')
  @ApiOperation({
    summary: 'Upload a native file',
    description:
      'The raw body in the insurer format (PICC text/csv GBK, PINGAN application/x-ndjson, CPIC application/xml, DADI ' +
      'application/json) or multipart/form-data with a "file" part. 202 once stored and checked; records are then ' +
      'published to ajx.raw.v1.<INSURER> (see the batch report). 200 with duplicate=true for a file uploaded before.',
  })
  @ApiParam({ name: 'insurer', example: 'PICC' })
  @ApiConsumes(
    'text/csv',
    'application/x-ndjson',
    'application/xml',
    'text/xml',
    'application/json',
    'multipart/form-data',
  )
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiAcceptedResponse({ type: IngestAcceptedDto })
  @ApiOkResponse({ type: IngestAcceptedDto, description: 'the same file was uploaded before' })
  @ApiUnprocessableEntityResponse({ type: IngestRejectedDto, description: 'MALFORMED_FILE: nothing was published' })
  @ApiResponse({
    status: 408,
    description: 'UPLOAD_TIMEOUT: the body did not arrive within AJX_INGEST_BODY_TIMEOUT_MS',
  })
  @ApiResponse({ status: 413, description: 'PAYLOAD_TOO_LARGE (body) or RECORD_TOO_LARGE (one record)' })
  @ApiResponse({ status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: not a content type of this insurer' })
  @ApiResponse({
    status: 429,
    description: 'RATE_LIMITED or UPLOADS_IN_FLIGHT (AJX_INGEST_UPLOADS_PER_INSURER), with Retry-After',
  })
  async upload(
    @Param('insurer') insurer: string,
    @CurrentPrincipal() principal: Principal,
    @Upload() upload: IncomingUpload,
    @CredentialId() credentialId: string | null,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<IngestAcceptedDto> {
    const answer = await this.ingest.accept(insurer, principal, upload, credentialId, requestId);
    res.status(answer.status);
    return answer.body;
  }

  @Get('batches/:batchId')
  @Roles('insurer', 'operator')
  @ApiOperation({ summary: 'Batch report: counts, every reject, and whether processing is complete' })
  @ApiQuery({ name: 'rejectsAfter', required: false, description: 'recordIndex to continue after' })
  @ApiQuery({ name: 'limit', required: false, description: 'rejects per page (1–10000, default 1000)' })
  @ApiOkResponse({ type: BatchReportDto })
  report(
    @Param('batchId', new ParseUUIDPipe()) batchId: string,
    @Query('rejectsAfter', new DefaultValuePipe(-1), ParseIntPipe) rejectsAfter: number,
    @Query('limit', new DefaultValuePipe(1000), ParseIntPipe) limit: number,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId?: string,
  ): Promise<BatchReportDto> {
    return this.reports.report(batchId, principal, rejectsAfter, Math.min(Math.max(limit, 1), 10000), requestId);
  }
}
