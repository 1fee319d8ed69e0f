import { type CanActivate, type ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog } from '@ajx/audit';
import {
  type Authentication,
  type AuthFailureReason,
  ConsoleUserService,
  CredentialService,
  type Principal,
  type PrincipalType,
} from '@ajx/identity';
import { credentialParamsOf, ROUTE_ACCESS, type RouteAccess } from '@ajx/observability';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { ConsoleSessions, cookieValue, CSRF_HEADER, sameToken, SESSION_COOKIE } from './console-sessions';
import { InterchangeAuthenticator } from './interchange-authenticator';
import { INTERCHANGE_SIGNED, type InterchangeSigning, ROLES } from './auth.decorators';
import { RateLimiter } from './rate-limiter';
import { ThrottledRefusals } from './throttled-refusals';
import type { AuthenticatedRequest } from './request-principal';

const REFUSAL: Record<AuthFailureReason, string> = {
  missing: 'a bearer token is required (Authorization: Bearer <token>)',
  malformed: 'the bearer token is malformed',
  unknown: 'the bearer token is not valid',
  expired: 'the credential has expired',
  revoked: 'the credential has been revoked',
  disabled: 'the principal is disabled',
};

/** 429 with the time to wait in Retry-After (whole seconds, at least 1). */
function tooMany(retryAfterMs: number, message: string) {
  return apiError(429, 'RATE_LIMITED', message, undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}

/**
 * Authenticates every request to a route that is not explicitly public (deny by default: the allow-list is the
 * `@PublicRoute()` metadata — health probes, and metrics when configured so), with a bearer token or, on interchange
 * routes, a province's signed request; checks the route's roles and the principal's rate limit. Which routes exist
 * does not depend on how a path is spelled (routing is case-sensitive and strict, libs/platform), and this guard
 * does not look at the path at all. Every refusal is audited — while an address is throttled, its refusals are
 * counted into one entry per window instead — and no refusal echoes the credential. A valid credential keeps working
 * while its address is throttled for failures: the throttle slows guessing, not the callers who hold a token (their
 * own rate limit applies).
 *
 * A console request without an Authorization header authenticates with its session cookie instead: the session
 * resolves to its user's principal — the very principal a token of it would give, so every role check, scope and
 * row-level security policy applies unchanged. A request that changes state must also carry the session's CSRF
 * token in `X-CSRF-Token`, and is audited with the user's name.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialService,
    private readonly audit: AuditLog,
    private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
    private readonly interchange: InterchangeAuthenticator,
    private readonly throttled: ThrottledRefusals,
    private readonly sessions: ConsoleSessions,
    private readonly users: ConsoleUserService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (access === 'public') return true;
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const route = `${req.method} ${req.path}`;
    const inUrl = credentialParamsOf(req.originalUrl);
    if (inUrl.length) {
      throw apiError(
        400,
        'CREDENTIAL_IN_URL',
        `credentials are not accepted in the URL (query parameter ${inUrl.map((n) => JSON.stringify(n)).join(', ')}): send Authorization: Bearer <token>`,
      );
    }

    const signing = this.reflector.getAllAndOverride<InterchangeSigning | undefined>(INTERCHANGE_SIGNED, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    const signed = signing === 'required' || (signing === 'accepted' && req.headers['x-ajx-signature'] !== undefined);
    const session =
      !signed && req.headers.authorization === undefined ? cookieValue(req.headers.cookie, SESSION_COOKIE) : undefined;
    const principal = signed
      ? await this.signedCaller(req, route, requestId)
      : session !== undefined
        ? await this.consoleSession(req, session, route, requestId)
        : await this.bearer(req, route, requestId);

    const roles =
      access === 'operator'
        ? (['operator'] as PrincipalType[])
        : this.reflector.getAllAndOverride<PrincipalType[] | undefined>(ROLES, [ctx.getHandler(), ctx.getClass()]);
    if (roles && !roles.includes(principal.type)) {
      await this.audit.record({
        actor: principal.id,
        action: 'auth.forbidden',
        target: route,
        outcome: 'denied',
        details: { type: principal.type, allowed: roles },
        requestId,
      });
      throw apiError(403, 'FORBIDDEN', `this operation is not available to a ${principal.type}`);
    }

    const rate = await this.limiter.take(
      `principal:${principal.id}`,
      this.config.AJX_RATE_LIMIT_PER_SECOND,
      this.config.AJX_RATE_LIMIT_BURST,
    );
    if (!rate.allowed)
      throw tooMany(rate.retryAfterMs, `rate limit of ${this.config.AJX_RATE_LIMIT_PER_SECOND}/s exceeded`);
    return true;
  }

  private async bearer(req: AuthenticatedRequest, route: string, requestId: string | undefined): Promise<Principal> {
    const header = req.headers.authorization;
    const token = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const auth: Authentication =
      header !== undefined && token === undefined
        ? { ok: false, reason: 'malformed' }
        : await this.credentials.authenticate(token);
    if (!auth.ok) {
      const reason = auth.reason;
      await this.refused(req, route, requestId, auth.principalId ?? 'anonymous', {
        reason,
        credentialId: auth.credentialId ?? null,
      });
      throw apiError(401, 'UNAUTHENTICATED', REFUSAL[reason], undefined, {
        'WWW-Authenticate': 'Bearer realm="ajx"',
      });
    }
    req.principal = auth.principal;
    req.credentialId = auth.credentialId;
    return auth.principal;
  }

  private async consoleSession(
    req: AuthenticatedRequest,
    id: string,
    route: string,
    requestId: string | undefined,
  ): Promise<Principal> {
    const session = await this.sessions.resolve(id);
    const resolved = session ? await this.users.resolve(session.userId, new Date(session.startedAt)) : null;
    if (!session || !resolved) {
      if (session) await this.sessions.end(id);
      await this.refused(req, route, requestId, session?.principalId ?? 'anonymous', {
        reason: session ? 'session-revoked' : 'session-unknown',
        user: session?.username ?? null,
      });
      throw apiError(401, 'UNAUTHENTICATED', 'the console session has ended: sign in again');
    }
    const changesState = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (changesState) {
      const csrf = req.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameToken(csrf, session.csrf)) {
        await this.audit.record({
          actor: resolved.principal.id,
          action: 'console.csrf-refused',
          target: route,
          outcome: 'denied',
          details: { user: session.username, ip: req.ip ?? null },
          requestId,
        });
        throw apiError(403, 'CSRF_REFUSED', `a console request that changes state needs the session's X-CSRF-Token`);
      }
      await this.audit.record({
        actor: resolved.principal.id,
        action: 'console.request',
        target: route,
        outcome: 'ok',
        details: { user: session.username },
        requestId,
      });
    }
    req.principal = resolved.principal;
    req.consoleUser = { id: resolved.user.id, username: resolved.user.username, sessionId: id };
    return resolved.principal;
  }

  private async signedCaller(
    req: AuthenticatedRequest,
    route: string,
    requestId: string | undefined,
  ): Promise<Principal> {
    try {
      const caller = await this.interchange.authenticate(req);
      req.principal = caller.principal;
      req.interchange = { endpoint: caller.endpoint, rawBody: caller.rawBody };
      return caller.principal;
    } catch (err) {
      const body = err instanceof HttpException ? (err.getResponse() as { code?: string }) : null;
      const keyId = req.headers['x-ajx-key-id'];
      await this.refused(req, route, requestId, 'anonymous', {
        reason: body?.code ?? 'error',
        keyId: typeof keyId === 'string' ? keyId.slice(0, 64) : null,
      });
      throw err;
    }
  }

  /**
   * Throttles the address a failed authentication came from and audits the failure — one entry each until the
   * address is throttled, then counted into a summary entry per window (ThrottledRefusals) and answered 429.
   */
  private async refused(
    req: AuthenticatedRequest,
    route: string,
    requestId: string | undefined,
    actor: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const ip = req.ip ?? 'unknown';
    const throttle = await this.limiter.take(
      `authfail:${ip}`,
      this.config.AJX_AUTH_FAILURES_PER_SECOND,
      this.config.AJX_AUTH_FAILURES_BURST,
    );
    if (!throttle.allowed) {
      this.throttled.count(ip, typeof details.reason === 'string' ? details.reason : 'error');
      throw tooMany(throttle.retryAfterMs, 'too many failed authentications');
    }
    await this.audit.record({
      actor,
      action: 'auth.refused',
      target: route,
      outcome: 'denied',
      details: { ...details, ip: req.ip ?? null },
      requestId,
    });
  }
}
