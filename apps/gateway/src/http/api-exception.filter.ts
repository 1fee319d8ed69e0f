import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { ApiHttpException } from './api-error';

/** Sets the headers an error carries (ApiHttpException), then answers it exactly as Nest answers any HttpException. */
@Catch(ApiHttpException)
export class ApiExceptionFilter extends BaseExceptionFilter {
  override catch(exception: ApiHttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!res.headersSent) for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    super.catch(exception, host);
  }
}
