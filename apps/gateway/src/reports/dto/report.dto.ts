import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageLimit } from '../../http/page-limit';

export const REPORT_KINDS = ['weekly', 'city-bulletin', 'monthly-scorecard'] as const;
const PERIOD = /^(\d{4}-W\d{2}|\d{4}-\d{2})$/;

export class ReportQueryDto {
  @ApiPropertyOptional({ enum: REPORT_KINDS })
  @IsOptional()
  @IsIn(REPORT_KINDS)
  kind?: (typeof REPORT_KINDS)[number];

  @ApiPropertyOptional({
    description: 'an ISO week (weekly, city-bulletin) or a month (monthly-scorecard)',
    example: '2026-W49',
  })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be an ISO week YYYY-Www or a month YYYY-MM' })
  period?: string;

  @PageLimit()
  limit?: number;
}

export class ReportDownloadsDto {
  @ApiProperty({ example: '/v1/dept/reports/0b6f1c2e-8d1a-5c3e-9f00-1a2b3c4d5e6f.csv' }) csv!: string;
  @ApiProperty() xlsx!: string;
  @ApiProperty() pdf!: string;
}

export class ReportWatermarkDto {
  @ApiProperty({ description: 'record versions the supervision service held' }) versions!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the latest acceptance time among them' })
  latestAcceptedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the must-insure register version' })
  registerVersion!: number | null;
  @ApiProperty({ description: 'the date the figures stand on (the period’s last day)' }) asOf!: string;
  @ApiProperty({ description: 'the date of the comparison (the day before the period began)' }) before!: string;
}

export class ReportSummaryDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ enum: REPORT_KINDS }) kind!: string;
  @ApiProperty({ description: '370811 (weekly), 370800 (bulletin), 370800-PICC (scorecard)' }) scope!: string;
  @ApiProperty({ description: 'the county or city the report is of' }) region!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the scorecard’s insurer' }) insurer!: string | null;
  @ApiProperty({ example: '2026-W49' }) period!: string;
  @ApiProperty({ example: '2026-11-30' }) periodFrom!: string;
  @ApiProperty({ example: '2026-12-06' }) periodTo!: string;
  @ApiProperty({ example: '安全生产责任保险工作周报' }) title!: string;
  @ApiProperty({ example: '任城区应急管理局' }) scopeName!: string;
  @ApiProperty({ description: '1, raised by every regeneration' }) revision!: number;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: ReportWatermarkDto }) watermark!: ReportWatermarkDto;
  @ApiProperty({ type: ReportDownloadsDto }) downloads!: ReportDownloadsDto;
}

export class ReportListDto {
  @ApiProperty({ type: [ReportSummaryDto] }) items!: ReportSummaryDto[];
}

export class ReportDetailDto extends ReportSummaryDto {
  @ApiProperty({ description: 'the report document (sections, tables, charts; docs/reports.md)', type: Object })
  document!: unknown;
}

export class ReportRunDto {
  @ApiProperty({ enum: REPORT_KINDS })
  @IsIn(REPORT_KINDS)
  kind!: (typeof REPORT_KINDS)[number];

  @ApiProperty({ example: '2026-W49', description: 'ISO week (weekly, city-bulletin) or month (monthly-scorecard)' })
  @Matches(PERIOD, { message: 'period must be an ISO week YYYY-Www or a month YYYY-MM' })
  period!: string;

  @ApiPropertyOptional({
    example: '370811',
    description: 'a county (weekly) or city (city-bulletin, monthly-scorecard) code; absent: every one the caller may',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'region must be a 6-digit region code' })
  region?: string;

  @ApiPropertyOptional({ example: 'PICC', description: 'monthly-scorecard: one insurer' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'insurer must be an insurer code' })
  insurer?: string;
}

export class ReportRunItemDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ enum: REPORT_KINDS }) kind!: string;
  @ApiProperty() scope!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ enum: ['created', 'replaced'], description: 'a new report, or an existing one regenerated' })
  outcome!: string;
  @ApiProperty({ type: ReportDownloadsDto }) downloads!: ReportDownloadsDto;
}

export class ReportRunResultDto {
  @ApiProperty({ type: [ReportRunItemDto], description: 'the reports made (or regenerated) by the run' })
  items!: ReportRunItemDto[];
}
