import type { NextFunction, Request, Response } from 'express';
import type { ApiErrorBody } from './api-error';

/**
 * True when a string anywhere in `value` holds U+0000 (iterative, and never spreading a large array into a call: a
 * deeply nested or very long body cannot overflow the stack).
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      // One by one: spreading a 300 000-element array into push() overflows the call stack.
      for (const x of v as unknown[]) stack.push(x);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

function refuse(res: Response, where: string): void {
  const body: ApiErrorBody = {
    statusCode: 400,
    code: 'INVALID_REQUEST',
    message: `the request ${where} holds a NUL character (U+0000), which no identifier or text of the hub may contain`,
  };
  res.status(400).json(body);
}

/**
 * PostgreSQL text cannot hold U+0000: a NUL in a path parameter or query value would reach a query and fail there
 * (500). It is refused up front with a specific 400 instead (JSON bodies: JsonBodyInterceptor; uploaded files are not
 * JSON bodies — their records are rejected one by one as MALFORMED_RECORD by the normaliser).
 */
export function refuseNulInUrl(req: Request, res: Response, next: NextFunction): void {
  if (/%00/.test(req.originalUrl) || req.originalUrl.includes('\u0000')) return refuse(res, 'URL');
  next();
}
