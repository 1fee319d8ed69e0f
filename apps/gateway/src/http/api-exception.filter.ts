import { type ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { AuditLog } from '@ajx/audit';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/request-principal';
import { ApiHttpException, type ApiErrorBody } from './api-error';

/** At most this many problems of one refused request go into its audit entry. */
const AUDITED_PROBLEMS = 10;

/**
 * Sets the headers an error carries (ApiHttpException), then answers every HttpException exactly as Nest does.
 * A 400 answered to an authenticated principal (an invalid filter, path parameter, cursor or body) is audited as
 * `request.invalid` (denied) with the route, the code and the problems: probing filters leaves a trace.
 */
@Catch(HttpException)
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  constructor(
    private readonly audit: AuditLog,
    adapterHost: HttpAdapterHost,
  ) {
    super(adapterHost.httpAdapter);
  }

  override catch(exception: HttpException, host: ArgumentsHost): void {
    void this.answer(exception, host);
  }

  private async answer(exception: HttpException, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (exception.getStatus() === 400 && req.principal) {
      const answer = exception.getResponse();
      const body: Partial<ApiErrorBody> = typeof answer === 'object' ? answer : { message: answer };
      await this.audit
        .record({
          actor: req.principal.id,
          action: 'request.invalid',
          target: `${req.method} ${req.route ? String((req.route as { path: string }).path) : req.path}`,
          outcome: 'denied',
          details: {
            code: body.code ?? 'BAD_REQUEST',
            message: String(body.message ?? '').slice(0, 500),
            problems: Array.isArray(body.details) ? body.details.slice(0, AUDITED_PROBLEMS) : undefined,
          },
          requestId: typeof req.id === 'string' ? req.id : undefined,
        })
        .catch((err: Error) => this.logger.error(`auditing a refused request failed: ${err.message}`));
    }
    if (!res.headersSent && exception instanceof ApiHttpException)
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    super.catch(exception, host);
  }
}
