import { HttpException } from '@nestjs/common';

/** The hub's error body: the HTTP status, a stable machine-readable code and a human message. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

export function apiError(statusCode: number, code: string, message: string, details?: unknown): HttpException {
  const body: ApiErrorBody = { statusCode, code, message, ...(details === undefined ? {} : { details }) };
  return new HttpException(body, statusCode);
}
