import { HttpException } from '@nestjs/common';

/** The hub's error body: the HTTP status, a stable machine-readable code and a human message. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * An error answer that also sets response headers (`Retry-After` on 429, `Connection: close` after a cut-off upload,
 * `WWW-Authenticate` on 401): services throw it and stay free of the response; ApiExceptionFilter applies the
 * headers.
 */
export class ApiHttpException extends HttpException {
  constructor(
    body: ApiErrorBody,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(body, body.statusCode);
  }
}

export function apiError(
  statusCode: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): HttpException {
  const body: ApiErrorBody = { statusCode, code, message, ...(details === undefined ? {} : { details }) };
  return headers ? new ApiHttpException(body, headers) : new HttpException(body, statusCode);
}
