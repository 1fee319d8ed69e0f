import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The `limit` query parameter of a paged list: an optional integer 1–`max`, 100 when absent (the services apply the
 * default). Applied in the order the decorators would be written above the property, so validation reports the same.
 */
export const PageLimit = (max = 500) =>
  applyDecorators(
    Max(max),
    Min(1),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ minimum: 1, maximum: max, default: 100 }),
  );
