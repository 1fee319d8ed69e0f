import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, PrincipalType } from '@ajx/identity';
import type { AuthenticatedRequest } from './request-principal';

export const PUBLIC_ROUTE = 'ajx:public';
export const ROLES = 'ajx:roles';

/** No credential needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Principal types allowed to call the route; any other authenticated principal gets 403. */
export const Roles = (...types: PrincipalType[]) => SetMetadata(ROLES, types);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return req.principal;
});

export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const id = ctx.switchToHttp().getRequest<AuthenticatedRequest>().id;
  return typeof id === 'string' ? id : undefined;
});
