import { HttpException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, Matches } from 'class-validator';
import { ApiValidationPipe } from './api-validation.pipe';

class Query {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @Matches(/^\d{2,6}$/)
  region?: string;
}

async function failure(value: unknown, type: 'query' | 'body' | 'param') {
  try {
    await new ApiValidationPipe().transform(value, { type, metatype: Query });
  } catch (err) {
    return (err as HttpException).getResponse() as { code: string; message: string; details: string[] };
  }
  throw new Error('no error');
}

describe('ApiValidationPipe (issue 23: query errors said "request body is invalid")', () => {
  it('names the query parameters that are invalid', async () => {
    const r = await failure({ limit: '9999', region: 'x' }, 'query');
    expect(r.code).toBe('INVALID_REQUEST');
    expect(r.message).toMatch(/^invalid query parameters "limit", "region": /);
    expect(r.message).toContain('limit must not be greater than 500');
  });

  it('names an unknown query parameter', async () => {
    const r = await failure({ colour: 'red' }, 'query');
    expect(r.message).toBe('invalid query parameter "colour": property colour should not exist');
  });

  it('keeps the body wording for bodies', async () => {
    expect((await failure({ limit: 0 }, 'body')).message).toBe('the request body is invalid');
  });
});
