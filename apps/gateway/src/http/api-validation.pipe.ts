import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { apiError } from './api-error';

class RequestValidationFailure extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/** Each problem of a validation error tree as `path: message`, the property path included. */
function problemsOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {});
    return [...own, ...problemsOf(e.children ?? [], path).map((p) => (p.startsWith(path) ? p : `${path}: ${p}`))];
  });
}

const WHERE: Record<ArgumentMetadata['type'], string> = {
  body: 'request body',
  query: 'query parameter',
  param: 'path parameter',
  custom: 'request',
};

/**
 * The gateway's validation of DTOs (whitelist, unknown properties refused, values transformed): 400
 * `INVALID_REQUEST` whose message names where the problem is — the body, or the query or path parameters by name —
 * with every constraint that failed in `details`.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new RequestValidationFailure(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return (await super.transform(value, metadata)) as unknown;
    } catch (err) {
      if (!(err instanceof RequestValidationFailure)) throw err;
      const details = problemsOf(err.errors);
      if (metadata.type === 'body') throw apiError(400, 'INVALID_REQUEST', 'the request body is invalid', details);
      const names = [...new Set(err.errors.map((e) => e.property))];
      const where = WHERE[metadata.type];
      const what =
        metadata.type === 'query' || metadata.type === 'param'
          ? `${where}${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`
          : where;
      throw apiError(400, 'INVALID_REQUEST', `invalid ${what}: ${details.join('; ')}`, details);
    }
  }
}
