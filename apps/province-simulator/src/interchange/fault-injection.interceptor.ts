import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, mergeMap, type Observable, throwError } from 'rxjs';
import { FaultInjector } from './fault-injector';
import { ForgedAnswer } from './signed-answer.interceptor';

/** An answer the simulator makes up (fault mode `error`). */
export class InjectedFault extends Error {
  constructor(readonly status: number) {
    super(`injected fault: HTTP ${status}`);
  }
}

/** Drops the connection without an answer: to the sender this is a timeout or a reset. */
function dropConnection(res: Response): void {
  res.socket?.destroy();
}

/** Plays the configured fault on an interchange request (before the handler, or after it for lose-ack). */
@Injectable()
export class FaultInjectionInterceptor implements NestInterceptor {
  constructor(private readonly faults: FaultInjector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const fault = this.faults.draw();
    if (!fault) return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    // Settles when the sender gives up (closes the connection) before we answered.
    const senderGone = new Promise<void>((resolve) => res.once('close', () => resolve()));
    req.log?.info({ fault: fault.mode }, 'province simulator: injecting a fault');
    switch (fault.mode) {
      case 'error':
        return throwError(() => new InjectedFault(fault.statusCode));
      case 'timeout':
        return from(this.faults.hold(fault.delayMs, senderGone)).pipe(
          mergeMap(() => {
            dropConnection(res);
            return [undefined];
          }),
        );
      case 'slow':
        return from(this.faults.hold(fault.delayMs, senderGone)).pipe(mergeMap(() => next.handle()));
      case 'lose-ack':
        return next.handle().pipe(
          mergeMap(async (answer: unknown) => {
            await this.faults.hold(fault.delayMs, senderGone);
            dropConnection(res);
            return answer;
          }),
        );
      case 'forge-ack':
      case 'unsigned-ack':
        return from([new ForgedAnswer(forgedAnswerFor(req), fault.mode === 'forge-ack' ? 'forged' : 'unsigned')]);
      default:
        return next.handle();
    }
  }
}

/** What a forger answers without recording anything: an acknowledgement of the batch, or a "match" verdict. */
function forgedAnswerFor(req: Request): unknown {
  let doc: { batchId?: string; date?: string; entries?: { seq?: number }[] } = {};
  try {
    doc = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}') as typeof doc;
  } catch {
    // an unreadable document gets an answer all the same
  }
  if (req.path.endsWith('/manifests')) return { date: doc.date ?? '1970-01-01', status: 'match', cells: [] };
  const entries = Array.isArray(doc.entries) ? doc.entries : [];
  return {
    batchId: doc.batchId ?? '',
    status: 'accepted',
    accepted: entries.length,
    duplicateEntries: 0,
    watermark: entries.reduce((m, e) => Math.max(m, Number(e.seq) || 0), 0),
    acknowledgedAt: new Date().toISOString(),
  };
}
