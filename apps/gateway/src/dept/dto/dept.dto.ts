import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import {
  ACCIDENT_GRADES,
  ACCIDENT_STATUSES,
  CLAIM_ACTIONS,
  HAZARD_LEVELS,
  HAZARD_STATUSES,
  RECORD_KINDS,
  type RecordKind,
  SECTORS,
} from '@ajx/contracts';
import { PageLimit } from '../../http/page-limit';

/** The department's collections (`/v1/dept/<collection>`) and the record kind of each. */
export const KIND_PATHS = {
  policies: 'policy',
  services: 'service',
  hazards: 'hazard',
  accidents: 'accident',
  claims: 'claim',
} as const satisfies Record<string, RecordKind>;
export type KindPath = keyof typeof KIND_PATHS;

/** What a collection can be filtered by: its statuses and levels, and the business date `from`/`to` apply to. */
export interface CollectionFilters {
  statuses: readonly string[];
  levels: readonly string[];
  /** The record's date that `from`/`to` select on; null: the collection has none. */
  period: string | null;
}

/** Per kind the values of the views' `status` and `level` columns (set by the router's KIND_ROUTING). */
export const COLLECTION_FILTERS: Readonly<Record<RecordKind, CollectionFilters>> = {
  policy: { statuses: ['active', 'cancelled'], levels: [], period: null },
  service: { statuses: ['valid', 'revoked'], levels: [], period: null },
  hazard: { statuses: HAZARD_STATUSES, levels: HAZARD_LEVELS, period: null },
  accident: { statuses: ACCIDENT_STATUSES, levels: ACCIDENT_GRADES, period: 'occurredAt' },
  claim: { statuses: CLAIM_ACTIONS, levels: [], period: 'filedAt' },
};
export const STATUSES = [...new Set(RECORD_KINDS.flatMap((k) => COLLECTION_FILTERS[k].statuses))];
export const LEVELS = [...new Set(RECORD_KINDS.flatMap((k) => COLLECTION_FILTERS[k].levels))];
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

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
    description:
      'policies: active|cancelled; services: valid|revoked; hazards: open|rectifying|rectified; accidents: open (处理中)|closed (已结案); claims: filed|assessed|agreed|paid|rejected|withdrawn',
  })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @ApiPropertyOptional({
    enum: LEVELS,
    description: 'hazards: general|major (隐患级别); accidents: general|larger|major|especially_major (事故等级)',
  })
  @IsOptional()
  @IsIn(LEVELS)
  level?: string;

  @ApiPropertyOptional({
    description:
      'accidents and claims: from this Beijing date on (inclusive) — accidents by occurredAt (发生时间), claims by filedAt (报案时间)',
    example: '2026-06-01',
  })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    description: 'accidents and claims: up to this Beijing date (inclusive), on the same date as `from`',
    example: '2026-06-30',
  })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

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
  @ApiProperty({ enum: RECORD_KINDS }) kind!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ description: 'policyNo / serviceId / hazardId / accidentId / claimNo' }) subject!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'uuid', description: 'canonical event id of this version' }) eventId!: string;
  @ApiProperty() action!: string;
  @ApiProperty() uscc!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: SECTORS }) sector!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiPropertyOptional({ nullable: true, enum: LEVELS, description: 'hazard level, accident grade' }) level!:
    string | null;
  @ApiProperty({ description: 'an urgent record (major hazard, urgent accident) routed here in the urgent lane' })
  urgent!: boolean;
  @ApiProperty({ description: 'the record business time (业务时间)' }) businessTime!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({
    description: 'the record as this department may see it (masked per the rule pack)',
    oneOf: [
      { $ref: getSchemaPath('PolicyView') },
      { $ref: getSchemaPath('ServiceView') },
      { $ref: getSchemaPath('HazardView') },
      { $ref: getSchemaPath('AccidentView') },
      { $ref: getSchemaPath('ClaimView') },
    ],
  })
  data!: unknown;
}

export class DeptPageDto {
  @ApiProperty({ type: [DeptRecordDto] }) items!: DeptRecordDto[];
  @ApiPropertyOptional({ nullable: true, description: 'pass as `after` for the next page; null at the end' }) next!:
    string | null;
}
