import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SUPERVISION_RULE_IDS } from '@ajx/authz';
import { SECTORS } from '@ajx/contracts';
import { PageLimit } from '../../http/page-limit';

export class FindingQueryDto {
  @ApiPropertyOptional({ enum: SUPERVISION_RULE_IDS })
  @IsOptional()
  @IsIn(SUPERVISION_RULE_IDS)
  rule?: string;

  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  state?: 'open' | 'resolved';

  @ApiPropertyOptional({ description: 'region code or prefix', example: '370811' })
  @IsOptional()
  @Matches(/^\d{2,6}$/, { message: 'region must be 2 to 6 digits' })
  region?: string;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: string;

  @ApiPropertyOptional({ description: 'the insurer the finding is attributed to', example: 'PICC' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'insurer must be an insurer code' })
  insurer?: string;

  @ApiPropertyOptional({ description: 'enterprise 统一社会信用代码' })
  @IsOptional()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'uscc must be 18 characters of the GB 32100 alphabet' })
  uscc?: string;

  @ApiPropertyOptional({
    description: 'only findings changed at or after this instant',
    example: '2026-12-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'the `next` cursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'after must be a cursor returned by this API' })
  after?: string;

  @PageLimit()
  limit?: number;
}

export class FindingReviewDto {
  @ApiProperty({
    description: 'why the finding is confirmed or dismissed (kept with the finding and audited)',
    example: '经核实,企业已补充参保人员名单',
  })
  @IsString()
  @Length(2, 2000)
  reason!: string;
}

export class FindingReviewViewDto {
  @ApiProperty({ enum: ['confirmed', 'dismissed'] }) decision!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'the department that reviewed it' }) by!: string;
  @ApiProperty() at!: string;
}

export class FindingDto {
  @ApiProperty({ format: 'uuid', description: 'stable id of (rule, key)' }) id!: string;
  @ApiProperty({ enum: SUPERVISION_RULE_IDS }) rule!: string;
  @ApiProperty({ description: 'the rule in Chinese', example: '未全员参保' }) title!: string;
  @ApiProperty({
    description: 'insurer/policyNo, insurer/hazardId … or the enterprise uscc',
    example: 'PICC/PICCAZ2023000001',
  })
  key!: string;
  @ApiProperty({ enum: ['info', 'warning', 'violation'] }) severity!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) state!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the insurer it is attributed to (null: the enterprise)' })
  insurer!: string | null;
  @ApiProperty() uscc!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ enum: SECTORS }) sector!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the numbers that show the breach (SUPERVISION.md)',
  })
  facts!: Record<string, unknown>;
  @ApiProperty({ description: 'a Chinese sentence explaining it with its numbers' }) message!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ description: 'the Beijing date of the last evaluation that found it so' }) evaluatedOn!: string;
  @ApiProperty({ nullable: true, type: FindingReviewViewDto }) review!: FindingReviewViewDto | null;
  @ApiProperty({ description: 'raised on every change' }) version!: number;
  @ApiProperty() updatedAt!: string;
}

export class FindingHistoryEntryDto {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['opened', 'updated', 'resolved', 'reopened', 'confirmed', 'dismissed'] }) change!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'system:supervisor, or the department that reviewed' }) actor!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) state!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) facts!: Record<string, unknown>;
  @ApiProperty() message!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

export class FindingDetailDto extends FindingDto {
  @ApiProperty({ type: [FindingHistoryEntryDto] }) history!: FindingHistoryEntryDto[];
}

export class FindingPageDto {
  @ApiProperty({ type: [FindingDto] }) items!: FindingDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as `after` for the next page' }) next!: string | null;
}
