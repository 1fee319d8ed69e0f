import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { SECTORS } from '@ajx/contracts';
import { PageLimit } from '../../http/page-limit';

export const KIND_PATHS = { policies: 'policy', services: 'service', hazards: 'hazard' } as const;
export type KindPath = keyof typeof KIND_PATHS;
export const STATUSES = ['active', 'cancelled', 'valid', 'revoked', 'open', 'rectifying', 'rectified'] as const;

export class DeptQueryDto {
  @ApiPropertyOptional({ description: 'enterprise 统一社会信用代码' })
  @IsOptional()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'uscc must be 18 characters of the GB 32100 alphabet' })
  uscc?: string;

  @ApiPropertyOptional({ description: 'region code or prefix (e.g. 3301 for a city)', example: '330102' })
  @IsOptional()
  @Matches(/^\d{2,6}$/, { message: 'region must be 2 to 6 digits' })
  region?: string;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: string;

  @ApiPropertyOptional({
    enum: STATUSES,
    description: 'policies: active|cancelled; services: valid|revoked; hazards: open|rectifying|rectified',
  })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: ['general', 'major'], description: 'hazard level' })
  @IsOptional()
  @IsIn(['general', 'major'])
  level?: string;

  @ApiPropertyOptional({
    description: 'only records changed at or after this instant',
    example: '2026-11-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ example: 'PICC' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/)
  insurer?: string;

  @ApiPropertyOptional({ description: 'the `next` cursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,512}$/, { message: 'after must be a cursor returned by this API' })
  after?: string;

  @PageLimit()
  limit?: number;
}

export class DeptRecordDto {
  @ApiProperty({ enum: ['policy', 'service', 'hazard'] }) kind!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ description: 'policyNo / serviceId / hazardId' }) subject!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'uuid', description: 'canonical event id of this version' }) eventId!: string;
  @ApiProperty() action!: string;
  @ApiProperty() uscc!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: SECTORS }) sector!: string;
  @ApiProperty() status!: string;
  @ApiPropertyOptional({ nullable: true, enum: ['general', 'major'] }) level!: string | null;
  @ApiProperty({ description: 'a major hazard routed to this department in the urgent lane' }) urgent!: boolean;
  @ApiProperty({ description: 'the record business time (业务时间)' }) businessTime!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({
    description: 'the record as this department may see it (masked per the rule pack)',
    oneOf: [
      { $ref: getSchemaPath('PolicyView') },
      { $ref: getSchemaPath('ServiceView') },
      { $ref: getSchemaPath('HazardView') },
    ],
  })
  data!: unknown;
}

export class DeptPageDto {
  @ApiProperty({ type: [DeptRecordDto] }) items!: DeptRecordDto[];
  @ApiPropertyOptional({ nullable: true, description: 'pass as `after` for the next page; null at the end' }) next!:
    string | null;
}
