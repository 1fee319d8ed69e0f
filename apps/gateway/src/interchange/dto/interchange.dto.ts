import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * OpenAPI descriptions of the interchange documents the gateway serves. Their full JSON Schemas are in
 * docs/openapi/interchange.yaml (transcribed from libs/interchange-protocol/src/schemas.ts).
 */

export class BatchEntryDto {
  @ApiProperty({ description: "the hub's sequence number (commit order)", example: 1041 }) seq!: number;
  @ApiProperty({ description: 'Beijing date on which the hub accepted the event', example: '2024-06-03' })
  acceptedDate!: string;
  @ApiProperty({ description: 'true when the event replaces the content of an event with the same id' })
  correction!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the canonical event in CloudEvents structured mode (data standard v1)',
  })
  event!: object;
}

export class PullPageDto {
  @ApiProperty({ example: 'ajx-interchange/1' }) protocol!: string;
  @ApiProperty({ example: 'hub-zj' }) sender!: string;
  @ApiProperty({ example: '33' }) province!: string;
  @ApiProperty({ type: [BatchEntryDto], description: 'in seq order, all after the requested cursor' })
  entries!: BatchEntryDto[];
  @ApiProperty({ description: 'the cursor to ask for next', example: 'AQAAAAAAAAQRqlzZDg' }) next!: string;
  @ApiProperty({ description: 'more entries are available right now' }) hasMore!: boolean;
}

export class ManifestCellDto {
  @ApiProperty({ example: 'PICC' }) insurer!: string;
  @ApiProperty({ enum: ['policy', 'service', 'hazard'] }) kind!: string;
  @ApiProperty({ description: 'distinct event ids' }) count!: number;
  @ApiProperty({ description: 'hex SHA-256 of the event ids sorted ascending, joined with \\n' }) digest!: string;
}

export class AuditAnchorDto {
  @ApiProperty() blockNo!: string;
  @ApiProperty() hash!: string;
  @ApiProperty() signature!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty() sealedAt!: string;
}

export class DailyManifestDto {
  @ApiProperty({ example: 'ajx-interchange/1' }) protocol!: string;
  @ApiProperty({ example: '2024-06-03' }) date!: string;
  @ApiProperty() sender!: string;
  @ApiProperty() province!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: [ManifestCellDto] }) cells!: ManifestCellDto[];
  @ApiPropertyOptional({ type: AuditAnchorDto, description: "the hub's audit chain head when the manifest was made" })
  auditAnchor?: AuditAnchorDto;
}

export class ResendScheduledDto {
  @ApiProperty({ example: '2024-06-03' }) date!: string;
  @ApiProperty({ enum: ['scheduled'] }) resend!: string;
}

export class InterchangeErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'INVALID_REPORT' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'whether the same request, signed anew, may succeed' }) retryable!: boolean;
  @ApiPropertyOptional({ description: 'JSON Pointer and message of each problem' }) problems?: object[];
}
