import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IngestAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty({ description: 'records in the file' }) records!: number;
  @ApiProperty({ enum: ['accepted', 'published', 'rejected'] }) status!: string;
  @ApiProperty({ description: 'true when this exact file was uploaded before: nothing is published again' })
  duplicate!: boolean;
}

export class IngestRejectedDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'MALFORMED_FILE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'uuid' }) batchId!: string;
}

export class BatchRejectDto {
  @ApiProperty({ description: '1-based position of the record in its file; 0 for the file as a whole' })
  recordIndex!: number;
  @ApiProperty({ example: 'INVALID_USCC' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ nullable: true }) sourceId!: string | null;
}

export class BatchReportDto {
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ enum: ['accepted', 'published', 'rejected'] }) status!: string;
  @ApiProperty({ description: 'records in the file' }) records!: number;
  @ApiProperty({ description: 'records published to Kafka so far' }) published!: number;
  @ApiProperty({ description: 'records that became canonical events' }) normalized!: number;
  @ApiProperty({ description: 'records identical to an already accepted version (no change)' }) duplicates!: number;
  @ApiProperty({ description: 'records rejected (each listed in rejects)' }) rejected!: number;
  @ApiProperty({ description: 'every record has an outcome (or the file was rejected as a whole)' }) complete!: boolean;
  @ApiProperty() acceptedAt!: string;
  @ApiPropertyOptional({ nullable: true }) publishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'when the last outcome arrived, once complete' })
  completedAt!: string | null;
  @ApiProperty({ type: [BatchRejectDto] }) rejects!: BatchRejectDto[];
  @ApiPropertyOptional({ nullable: true, description: 'pass as rejectsAfter to read the next page of rejects' })
  nextRejectsAfter!: number | null;
}
