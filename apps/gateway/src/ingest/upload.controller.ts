import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@ajx/identity';
import { CredentialId, CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import type { IncomingBody } from '../http/incoming-upload';
import { IngestAcceptedDto, IngestRejectedDto } from './dto/ingest.dto';
import { CreateUploadDto, UploadOffsetConflictDto, UploadSessionDto } from './dto/upload.dto';
import { UploadSessionService } from './upload-session.service';
import { RawBody } from '../http/json-body';
import { ContentRange, Upload } from '../http/upload-body';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('v1/ingest')
export class UploadController {
  constructor(private readonly uploads: UploadSessionService) {}

  @Post(':insurer/uploads')
  @Roles('insurer')
  @ApiOperation({
    summary: 'Start a resumable upload',
    description:
      'For files too large for one request: announce size and SHA-256, then PUT the bytes in chunks with ' +
      'Content-Range, then complete. Only the insurer that created the session may use it.',
  })
  @ApiParam({ name: 'insurer', example: 'PINGAN' })
  @ApiCreatedResponse({ type: UploadSessionDto })
  create(
    @Param('insurer') insurer: string,
    @Body() dto: CreateUploadDto,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId?: string,
  ): Promise<UploadSessionDto> {
    return this.uploads.create(insurer, principal, dto, requestId);
  }

  @Get('uploads/:uploadId')
  @Roles('insurer')
  @ApiOperation({ summary: 'An upload session: how many bytes it holds (where to resume)' })
  @ApiOkResponse({ type: UploadSessionDto })
  status(
    @Param('uploadId', new ParseUUIDPipe()) uploadId: string,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId?: string,
  ): Promise<UploadSessionDto> {
    return this.uploads.status(uploadId, principal, requestId);
  }

  @Put('uploads/:uploadId')
  @RawBody()
  @Roles('insurer')
  @ApiOperation({
    summary: 'Append a chunk',
    description:
      'The raw bytes of the chunk with Content-Range: bytes <first>-<last>/<size>. <first> must be the bytes ' +
      'received so far (409 OFFSET_MISMATCH with details.expectedOffset otherwise).',
  })
  @ApiHeader({ name: 'Content-Range', required: true, example: 'bytes 0-8388607/734003200' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: UploadSessionDto })
  @ApiConflictResponse({ type: UploadOffsetConflictDto })
  append(
    @Param('uploadId', new ParseUUIDPipe()) uploadId: string,
    @CurrentPrincipal() principal: Principal,
    @ContentRange() range: string | undefined,
    @Upload() body: IncomingBody,
    @RequestId() requestId?: string,
  ): Promise<UploadSessionDto> {
    return this.uploads.append(uploadId, principal, range, body.stream, requestId);
  }

  @Post('uploads/:uploadId/complete')
  @Roles('insurer')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Complete an upload',
    description:
      'Verifies size and SHA-256 (422 CHECKSUM_MISMATCH otherwise) and ingests the file like a one-shot upload: ' +
      '202 with the batch, 200 duplicate=true for a file uploaded before (or a completion asked again).',
  })
  @ApiAcceptedResponse({ type: IngestAcceptedDto })
  @ApiOkResponse({ type: IngestAcceptedDto, description: 'the same file was uploaded before' })
  @ApiUnprocessableEntityResponse({ type: IngestRejectedDto, description: 'MALFORMED_FILE or CHECKSUM_MISMATCH' })
  async complete(
    @Param('uploadId', new ParseUUIDPipe()) uploadId: string,
    @CurrentPrincipal() principal: Principal,
    @CredentialId() credentialId: string | null,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<IngestAcceptedDto> {
    const answer = await this.uploads.complete(uploadId, principal, credentialId, requestId);
    res.status(answer.status);
    return answer.body;
  }
}
