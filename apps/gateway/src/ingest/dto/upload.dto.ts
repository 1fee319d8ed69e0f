import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

export class CreateUploadDto {
  @ApiProperty({ description: 'the whole file, bytes', example: 734003200 })
  @IsInt()
  @Min(1)
  size!: number;

  @ApiProperty({ description: 'SHA-256 of the whole file, lowercase hex', example: 'e3b0c442…' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256!: string;

  @ApiProperty({ description: "one of the insurer's content types (e.g. application/x-ndjson)" })
  @IsString()
  @MaxLength(100)
  contentType!: string;

  @ApiPropertyOptional({ description: 'the original file name (informational)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  filename?: string;
}

export class UploadSessionDto {
  @ApiProperty({ format: 'uuid' }) uploadId!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ description: 'the whole file, bytes' }) size!: number;
  @ApiProperty({ description: 'bytes received so far: the offset of the next chunk' }) received!: number;
  @ApiProperty({ enum: ['open', 'completing', 'completed'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'the batch, once completed' })
  batchId!: string | null;
  @ApiProperty() expiresAt!: string;
}

export class UploadOffsetConflictDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'OFFSET_MISMATCH' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: '{ expectedOffset }: where the next chunk must start' })
  details!: { expectedOffset: number };
}
