import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Min } from 'class-validator';
import { SECTORS } from '@ajx/contracts';
import { REGISTER_ALTERNATIVES } from '@ajx/interchange-store';
import { PageLimit } from '../../http/page-limit';

export class RegisterQueryDto {
  @ApiPropertyOptional({ description: 'region code or prefix (e.g. 3301 for a city)', example: '330106' })
  @IsOptional()
  @Matches(/^\d{2,6}$/, { message: 'region must be 2 to 6 digits' })
  region?: string;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: string;

  @ApiPropertyOptional({ description: 'enterprise 统一社会信用代码' })
  @IsOptional()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'uscc must be 18 characters of the GB 32100 alphabet' })
  uscc?: string;

  @ApiPropertyOptional({ description: 'the entries of this version (absent: the current register)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'the `next` of the previous page' })
  @IsOptional()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'after must be a `next` returned by this API' })
  after?: string;

  @PageLimit(1000)
  limit?: number;
}

export class RegisterVersionsQueryDto {
  @ApiPropertyOptional({ description: 'versions before this one (paging, newest first)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @PageLimit()
  limit?: number;
}

export class RegisterEntryDto {
  @ApiProperty({ description: '统一社会信用代码' }) uscc!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'county-level GB/T 2260 code' }) regionCode!: string;
  @ApiProperty({ enum: SECTORS }) sector!: string;
  @ApiProperty({ nullable: true, type: String, description: 'GB/T 4754 industry code' }) industryCode!: string | null;
  @ApiProperty({ nullable: true, type: Number }) employeeCount!: number | null;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: REGISTER_ALTERNATIVES,
    description:
      'the alternative to insurance the enterprise chose: `risk_deposit` (安全生产风险抵押金); null: it must be insured',
  })
  alternative!: string | null;
  @ApiProperty({ description: 'the version the entry comes from' }) version!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'when it became current' })
  updatedAt!: Date | null;
}

export class RegisterPageDto {
  @ApiProperty({ type: [RegisterEntryDto] }) items!: RegisterEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as `after` for the next page' }) next!: string | null;
}

export class RegisterVersionDto {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['province', 'department'] }) source!: string;
  @ApiProperty() submittedBy!: string;
  @ApiProperty({ description: 'region prefix the submission covers (and replaces)' }) scopeRegion!: string;
  @ApiProperty({ nullable: true, type: [String], description: 'sectors it covers (null: all)' })
  scopeSectors!: string[] | null;
  @ApiProperty() entries!: number;
  @ApiProperty({ description: 'enterprises new to the current register' }) added!: number;
  @ApiProperty({ description: 'enterprises of the scope it no longer lists' }) removed!: number;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the body as received' })
  contentSha256!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) submittedAt!: Date;
}

export class RegisterLineErrorDto {
  @ApiProperty({ description: '1-based line number' }) line!: number;
  @ApiProperty({ description: 'the field, or empty for the whole line' }) field!: string;
  @ApiProperty() message!: string;
}

export class RegisterRejectedDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'INVALID_REGISTER' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({
    description: '{lines, invalidLines, errors: [{line, field, message}]} (the first 100 problems)',
    type: 'object',
    additionalProperties: true,
  })
  details!: { lines: number; invalidLines: number; errors: RegisterLineErrorDto[] };
}
