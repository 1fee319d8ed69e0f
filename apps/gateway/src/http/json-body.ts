import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { apiError } from './api-error';
import { holdsNul } from './nul-guard';

/** Largest JSON body of an API call (webhook settings, upload sessions, acknowledgements …), bytes. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects a JSON body may have; the API's bodies nest 3 levels at most. */
export const JSON_BODY_MAX_DEPTH = 32;

export const RAW_BODY = 'ajx:raw-body';
/**
 * The handler reads the request body itself (uploads streamed to disk, register submissions streamed, signed
 * interchange requests whose signature covers the bytes as received): it is never parsed as JSON.
 */
export const RawBody = () => SetMetadata(RAW_BODY, true);

class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor() {
    super(`the JSON body nests deeper than ${JSON_BODY_MAX_DEPTH} levels`);
  }
}

/**
 * Nesting depth of JSON text, counted over the bytes before parsing (a hostile body 100 000 levels deep never
 * reaches a recursive parser or validator). Brackets inside strings do not count.
 */
export function jsonDepthExceeds(buf: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const parseJson = json({
  limit: JSON_BODY_MAX_BYTES,
  verify: (_req, _res, buf) => {
    if (jsonDepthExceeds(buf, JSON_BODY_MAX_DEPTH)) throw new JsonTooDeepError();
  },
});

function bodyError(err: { type?: string; status?: number; message?: string }) {
  switch (err.type) {
    case 'entity.too.large':
      return apiError(413, 'PAYLOAD_TOO_LARGE', `the JSON body exceeds ${JSON_BODY_MAX_BYTES} bytes`);
    case 'entity.too.deep':
      return apiError(400, 'INVALID_JSON', err.message ?? 'the JSON body nests too deep');
    case 'entity.parse.failed':
      return apiError(400, 'INVALID_JSON', `the body is not valid JSON: ${err.message ?? ''}`.trim());
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${err.message ?? 'unsupported encoding'}; send UTF-8 JSON`);
    default:
      return apiError(
        err.status && err.status < 500 ? err.status : 400,
        'INVALID_REQUEST',
        'the body could not be read',
      );
  }
}

/**
 * Reads and parses a JSON body only after the guard authenticated the caller: an anonymous request never costs a
 * parse, however large or deep its body. Bounded in size and depth before parsing; a NUL anywhere (which PostgreSQL
 * text cannot hold) is a specific 400.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      ctx.getType() !== 'http' ||
      this.reflector.getAllAndOverride<boolean>(RAW_BODY, [ctx.getHandler(), ctx.getClass()])
    )
      return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    return from(this.parse(req, res)).pipe(switchMap(() => next.handle()));
  }

  private parse(req: Request, res: Response): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done: NextFunction = (err?: unknown) => {
        if (err) return reject(bodyError(err));
        if (req.body !== undefined && holdsNul(req.body)) {
          return reject(
            apiError(
              400,
              'INVALID_REQUEST',
              'the request body holds a NUL character (U+0000), which no identifier or text of the hub may contain',
            ),
          );
        }
        resolve();
      };
      parseJson(req, res, done);
    });
  }
}
