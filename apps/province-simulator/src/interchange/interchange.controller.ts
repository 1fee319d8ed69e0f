import { Controller, HttpCode, Post, Req, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ackSchema,
  type BatchAck,
  batchSchema,
  dailyManifestSchema,
  type ManifestVerdict,
  manifestVerdictSchema,
} from '@ajx/interchange-protocol';
import type { Request } from 'express';
import { BatchIntakeService } from './batch-intake.service';
import { FaultInjectionInterceptor } from './fault-injection.interceptor';
import { InterchangeExceptionFilter } from './interchange-exception.filter';
import { ManifestCheckService } from './manifest-check.service';
import { SignedAnswerInterceptor } from './signed-answer.interceptor';

/** The interchange endpoints read their body raw (the signature covers the exact bytes). */
function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

const errorSchema = {
  type: 'object',
  required: ['code', 'message', 'retryable'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    retryable: { type: 'boolean' },
    problems: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};
const signedHeaders = [
  { name: 'X-AJX-Key-Id', required: true, description: 'Key the request is signed with' },
  { name: 'X-AJX-Timestamp', required: true, description: 'Unix seconds; within ±300 s of the receiver clock' },
  { name: 'X-AJX-Signature', required: true, description: 'v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>' },
];
const refusals = [
  { status: 400, description: 'Malformed JSON, invalid document, wrong province, batch id mismatch' },
  { status: 401, description: 'Missing, malformed, unknown-key, mismatching, expired or replayed signature' },
  { status: 409, description: 'Batch id already accepted with other content' },
  { status: 413, description: 'Body or entry count over the limit: split the batch' },
  { status: 500, description: 'Internal error (retry)' },
  { status: 503, description: 'Unavailable (retry after Retry-After)' },
];

@ApiTags('interchange')
@Controller('v1/interchange')
@UseFilters(InterchangeExceptionFilter)
// The signer is the outer interceptor: it signs real answers and plays the forged ones the fault injector makes.
@UseInterceptors(SignedAnswerInterceptor, FaultInjectionInterceptor)
export class InterchangeController {
  constructor(
    private readonly intake: BatchIntakeService,
    private readonly manifests: ManifestCheckService,
  ) {}

  @Post('batches')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveBatch',
    summary: 'Receive a batch of canonical events',
    description:
      'Verifies the signature, validates the batch and logs every entry as received. A batch id already accepted ' +
      'with the same content is acknowledged again (status already-accepted) without being logged twice.',
  })
  @ApiBody({ schema: batchSchema as object })
  @ApiOkResponse({ description: 'Acknowledgement', schema: ackSchema as object })
  @refusalsOf()
  receiveBatch(@Req() req: Request): Promise<BatchAck> {
    return this.intake.receive(rawBodyOf(req), req.headers);
  }

  @Post('manifests')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveManifest',
    summary: "Compare the hub's daily manifest with the simulator's log",
    description:
      'Answers the (date, insurer, kind) cells that differ; a mismatch is also reported to the hub when configured.',
  })
  @ApiBody({ schema: dailyManifestSchema as object })
  @ApiOkResponse({ description: 'Verdict', schema: manifestVerdictSchema as object })
  @refusalsOf()
  receiveManifest(@Req() req: Request): Promise<ManifestVerdict> {
    return this.manifests.receive(rawBodyOf(req), req.headers);
  }
}

/** The signed-request headers and the protocol's refusals, for the OpenAPI document. */
function refusalsOf(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const h of signedHeaders) ApiHeader(h)(target, key, descriptor);
    for (const r of refusals) ApiResponse({ ...r, schema: errorSchema })(target, key, descriptor);
  };
}
