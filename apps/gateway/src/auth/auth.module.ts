import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@ajx/audit';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { GatewayIdentityModule } from './gateway-identity';
import { InterchangeAuthenticator } from './interchange-authenticator';
import { RateLimiter } from './rate-limiter';
import { ThrottledRefusals } from './throttled-refusals';

/**
 * Who is calling: the guard on every route (bearer tokens, or a province's signed interchange request), the
 * per-principal rate limit and the throttle of failed authentications. Routes say who may call them with
 * `@Roles()`, `@InterchangeSigned()` and `@PublicRoute()` (auth.decorators, libs/observability).
 */
@Module({
  imports: [AuditModule, GatewayIdentityModule],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    RateLimiter,
    ThrottledRefusals,
    InterchangeAuthenticator,
    ConsoleSessions,
  ],
  exports: [ConsoleSessions, RateLimiter],
})
export class AuthModule {}
