import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';

export class YearQueryDto {
  @ApiPropertyOptional({ description: 'a calendar year (default: the current Beijing year)', example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

class TargetValuesDto {
  @ApiPropertyOptional({ description: 'enterprises insured (in force at the year end)', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  insured?: number | null;

  @ApiPropertyOptional({ description: 'premium of the year, fen', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  premiumFen?: number | null;
}

export class CountyTargetDto extends TargetValuesDto {
  @ApiProperty({ example: '370811' })
  @Matches(/^\d{6}$/, { message: 'county must be a 6-digit region code' })
  county!: string;
}

export class InsurerTargetDto extends TargetValuesDto {
  @ApiProperty({ example: 'PICC' })
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'insurer must be an insurer code' })
  insurer!: string;
}

/** A city's targets of a year (七(九)): replaces the ones set before. */
export class TargetsInputDto {
  @ApiProperty({ type: [CountyTargetDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CountyTargetDto)
  counties!: CountyTargetDto[];

  @ApiProperty({ type: [InsurerTargetDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => InsurerTargetDto)
  insurers!: InsurerTargetDto[];
}

export class TargetProgressDto {
  @ApiProperty({ enum: ['county', 'insurer'] }) scope!: string;
  @ApiProperty({ description: 'county code or insurer code' }) id!: string;
  @ApiProperty({ nullable: true, type: Number }) insuredTarget!: number | null;
  @ApiProperty({ description: 'enterprises with a policy in force (on asOf)' }) insured!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'insured / target, 4 decimals' }) insuredProgress!:
    number | null;
  @ApiProperty({ nullable: true, type: Number }) premiumTargetFen!: number | null;
  @ApiProperty({ description: 'premium of the policies in force (on asOf), fen' }) premiumFen!: number;
  @ApiProperty({ nullable: true, type: Number }) premiumProgress!: number | null;
}

export class TargetsDto {
  @ApiProperty() year!: number;
  @ApiProperty({ description: 'the city the targets belong to' }) city!: string;
  @ApiProperty({ description: 'the date progress is measured on' }) asOf!: string;
  @ApiProperty({ nullable: true, type: String }) setBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) setAt!: string | null;
  @ApiProperty({ type: [TargetProgressDto] }) items!: TargetProgressDto[];
}
