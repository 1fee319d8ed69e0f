import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { ConsoleUserService, type Principal } from '@ajx/identity';
import { ConsoleSessions } from '../auth/console-sessions';
import { RateLimiter } from '../auth/rate-limiter';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { PrincipalDto } from '../admin/dto/principal.dto';
import type { SessionDto } from './dto/console.dto';

const BAD = '用户名或密码错误 (wrong user name or password)';

/** Signing in and out of the console: a session in Redis for a user whose password checks out. */
@Injectable()
export class ConsoleSessionService {
  constructor(
    private readonly users: ConsoleUserService,
    private readonly sessions: ConsoleSessions,
    private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
    private readonly audit: AuditLog,
  ) {}

  /** Checks the password (lockout after repeated failures) and starts a session: its id goes into the cookie. */
  async signIn(
    username: string,
    password: string,
    ip: string | null,
    requestId?: string,
  ): Promise<{ sessionId: string; cookie: string; body: SessionDto }> {
    const result = await this.users.signIn(
      username,
      password,
      { ip, requestId },
      { attempts: this.config.AJX_CONSOLE_LOCKOUT_ATTEMPTS, minutes: this.config.AJX_CONSOLE_LOCKOUT_MINUTES },
    );
    if (!result.ok) {
      const throttle = await this.limiter.take(
        `authfail:${ip ?? 'unknown'}`,
        this.config.AJX_AUTH_FAILURES_PER_SECOND,
        this.config.AJX_AUTH_FAILURES_BURST,
      );
      if (!throttle.allowed)
        throw apiError(429, 'RATE_LIMITED', 'too many failed sign-ins', undefined, {
          'Retry-After': String(Math.max(1, Math.ceil(throttle.retryAfterMs / 1000))),
        });
      if (result.reason === 'locked') {
        const wait = Math.max(1, Math.ceil(((result.lockedUntil?.getTime() ?? Date.now()) - Date.now()) / 1000));
        throw apiError(
          423,
          'ACCOUNT_LOCKED',
          `账户因连续登录失败已锁定，请稍后再试 (the account is locked after repeated failures: try again in ${wait} s)`,
          undefined,
          { 'Retry-After': String(wait) },
        );
      }
      throw apiError(401, 'SIGN_IN_FAILED', BAD);
    }
    const { id, session } = await this.sessions.start({
      userId: result.user.id,
      username: result.user.username,
      principalId: result.principal.id,
    });
    return {
      sessionId: id,
      cookie: this.sessions.cookie(id),
      body: {
        user: { username: result.user.username, displayName: result.user.displayName },
        principal: PrincipalDto.of(result.principal),
        csrfToken: session.csrf,
      },
    };
  }

  /** Who the caller is: the console user and its CSRF token, or (a bearer token) just the principal. */
  async current(principal: Principal, sessionId: string | null): Promise<SessionDto> {
    const session = sessionId ? await this.sessions.resolve(sessionId) : null;
    const user = session ? (await this.users.list(principal.id)).find((u) => u.id === session.userId) : undefined;
    return {
      user: user ? { username: user.username, displayName: user.displayName } : null,
      principal: PrincipalDto.of(principal),
      csrfToken: session?.csrf ?? null,
    };
  }

  async signOut(principal: Principal, sessionId: string | null, requestId?: string): Promise<string> {
    if (sessionId) await this.sessions.end(sessionId);
    await this.audit.record({
      actor: principal.id,
      action: 'console.sign-out',
      target: principal.id,
      outcome: 'ok',
      requestId,
    });
    return this.sessions.clearedCookie();
  }
}
