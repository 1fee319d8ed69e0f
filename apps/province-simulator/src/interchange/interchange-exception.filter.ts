import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { InterchangeError, type InterchangeErrorBody, type InterchangeErrorCode } from '@ajx/interchange-protocol';
import type { Response } from 'express';
import { InjectedFault } from './fault-injection.interceptor';

function injectedBody(status: number): InterchangeErrorBody {
  const code: InterchangeErrorCode = status === 429 ? 'RATE_LIMITED' : status === 503 ? 'UNAVAILABLE' : 'INTERNAL';
  return { code, message: `injected fault (province simulator): HTTP ${status}`, retryable: true };
}

/** Every refusal on the interchange endpoints in the protocol's error format (docs/interchange.md, Errors). */
@Catch()
export class InterchangeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Interchange');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent || res.destroyed) return;
    if (err instanceof InterchangeError) {
      if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json(err.toBody());
      return;
    }
    if (err instanceof InjectedFault) {
      if (err.status === 429 || err.status === 503) res.setHeader('Retry-After', '1');
      res.status(err.status).json(injectedBody(err.status));
      return;
    }
    if (err instanceof HttpException && err.getStatus() < 500) {
      res.status(err.getStatus()).json({ code: 'INVALID_BATCH', message: err.message, retryable: false });
      return;
    }
    this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(500).json(new InterchangeError('INTERNAL', 'internal error; retry later').toBody());
  }
}
