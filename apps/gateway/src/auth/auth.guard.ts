import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AuditLog } from '@ajx/audit';
import { type Authentication, type AuthFailureReason, CredentialService, type PrincipalType } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { PUBLIC_ROUTE, ROLES } from './auth.decorators';
import { RateLimiter } from './rate-limiter';
import type { AuthenticatedRequest } from './request-principal';

const REFUSAL: Record<AuthFailureReason, string> = {
  missing: 'a bearer token is required (Authorization: Bearer <token>)',
  malformed: 'the bearer token is malformed',
  unknown: 'the bearer token is not valid',
  expired: 'the credential has expired',
  revoked: 'the credential has been revoked',
  disabled: 'the principal is disabled',
};

/** Failed authentications an address may make per second (burst 20) before it is throttled. */
const AUTH_FAILURES_PER_SECOND = 2;

/**
 * Authenticates every /v1 request, checks the route's roles and the principal's rate limit. Every refusal is
 * audited; no refusal echoes the credential.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialService,
    private readonly audit: AuditLog,
    private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    if (!req.path.startsWith('/v1/')) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const route = `${req.method} ${req.path}`;

    const header = req.headers.authorization;
    const token = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const auth: Authentication =
      header !== undefined && token === undefined
        ? { ok: false, reason: 'malformed' }
        : await this.credentials.authenticate(token);
    if (!auth.ok) {
      const reason = auth.reason;
      await this.audit.record({
        actor: auth.principalId ?? 'anonymous',
        action: 'auth.refused',
        target: route,
        outcome: 'denied',
        details: { reason, credentialId: auth.credentialId ?? null, ip: req.ip ?? null },
        requestId,
      });
      const throttle = await this.limiter.take(`authfail:${req.ip ?? 'unknown'}`, AUTH_FAILURES_PER_SECOND, 20);
      if (!throttle.allowed) this.tooMany(res, throttle.retryAfterMs, 'too many failed authentications');
      res.setHeader('WWW-Authenticate', 'Bearer realm="ajx"');
      throw apiError(401, 'UNAUTHENTICATED', REFUSAL[reason]);
    }
    req.principal = auth.principal;
    req.credentialId = auth.credentialId;

    const roles = this.reflector.getAllAndOverride<PrincipalType[] | undefined>(ROLES, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (roles && !roles.includes(auth.principal.type)) {
      await this.audit.record({
        actor: auth.principal.id,
        action: 'auth.forbidden',
        target: route,
        outcome: 'denied',
        details: { type: auth.principal.type, allowed: roles },
        requestId,
      });
      throw apiError(403, 'FORBIDDEN', `this operation is not available to a ${auth.principal.type}`);
    }

    const rate = await this.limiter.take(
      `principal:${auth.principal.id}`,
      this.config.AJX_RATE_LIMIT_PER_SECOND,
      this.config.AJX_RATE_LIMIT_BURST,
    );
    if (!rate.allowed)
      this.tooMany(res, rate.retryAfterMs, `rate limit of ${this.config.AJX_RATE_LIMIT_PER_SECOND}/s exceeded`);
    return true;
  }

  private tooMany(res: Response, retryAfterMs: number, message: string): never {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    throw apiError(429, 'RATE_LIMITED', message);
  }
}
