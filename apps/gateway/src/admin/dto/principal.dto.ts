import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import {
  DEPARTMENT_LEVELS,
  type DepartmentLevel,
  type Principal,
  PRINCIPAL_TYPES,
  type PrincipalType,
} from '@ajx/identity';

export class DepartmentAttributesDto {
  @ApiProperty({ example: 'emergency', description: 'department kind of the rule pack' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/)
  kind!: string;

  @ApiProperty({ enum: DEPARTMENT_LEVELS })
  @IsIn(DEPARTMENT_LEVELS)
  level!: DepartmentLevel;

  @ApiProperty({ example: '330102', description: 'GB/T 2260 code of the jurisdiction' })
  @Matches(/^\d{6}$/, { message: 'regionCode must be 6 digits' })
  regionCode!: string;
}

export class RegisterPrincipalDto {
  @ApiProperty({ example: 'hz-sc-emergency', description: 'insurer code (PICC) or a slug' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/)
  id!: string;

  @ApiProperty({ enum: PRINCIPAL_TYPES })
  @IsIn(PRINCIPAL_TYPES)
  type!: PrincipalType;

  @ApiProperty({ example: '杭州市上城区应急管理局' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: DepartmentAttributesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DepartmentAttributesDto)
  department?: DepartmentAttributesDto;

  @ApiPropertyOptional({ example: '330000', description: "province principals: the province's code" })
  @IsOptional()
  @Matches(/^\d{6}$/)
  regionCode?: string;
}

export class PrincipalDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: PRINCIPAL_TYPES }) type!: PrincipalType;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: DepartmentAttributesDto, nullable: true }) department!: DepartmentAttributesDto | null;
  @ApiPropertyOptional({ nullable: true }) regionCode!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) disabledAt!: string | null;

  static of(p: Principal): PrincipalDto {
    return {
      id: p.id,
      type: p.type,
      name: p.name,
      department: p.department,
      regionCode: p.regionCode,
      createdAt: p.createdAt.toISOString(),
      disabledAt: p.disabledAt?.toISOString() ?? null,
    };
  }
}

export class RegisteredPrincipalDto {
  @ApiProperty({ type: PrincipalDto }) principal!: PrincipalDto;
  @ApiProperty({ description: 'false when an existing principal was updated' }) created!: boolean;
}
