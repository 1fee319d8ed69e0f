import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { signAnswer } from '@ajx/interchange-protocol';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { RequestAuthenticator } from './request-authenticator';

/** An answer made up by the fault injector: signed with a key the hub does not have, or not signed at all. */
export class ForgedAnswer {
  constructor(
    readonly body: unknown,
    readonly signing: 'forged' | 'unsigned',
  ) {}
}

/** A secret nobody shares, used under the simulator's real key id to forge a signature. */
const FORGER_SECRET = 'forged-by-a-party-on-the-wire-0123456789abcdef';

/**
 * Signs every answer of the interchange endpoints (acknowledgements and manifest verdicts) over the exact bytes sent,
 * with the simulator's own key, anew for each answer (docs/interchange.md, "Signed answers").
 */
@Injectable()
export class SignedAnswerInterceptor implements NestInterceptor {
  constructor(private readonly auth: RequestAuthenticator) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((answer: unknown) => {
        const forged = answer instanceof ForgedAnswer ? answer : null;
        const body = JSON.stringify(forged ? forged.body : answer);
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        if (forged?.signing !== 'unsigned') {
          const key = forged ? { ...this.auth.signingKey, secret: FORGER_SECRET } : this.auth.signingKey;
          for (const [name, value] of Object.entries(signAnswer(key, body))) res.setHeader(name, value);
        }
        return body;
      }),
    );
  }
}
