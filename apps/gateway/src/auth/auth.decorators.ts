import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, PrincipalType } from '@ajx/identity';
import type { AuthenticatedRequest, SignedRequest } from './request-principal';

export const ROLES = 'ajx:roles';
export const INTERCHANGE_SIGNED = 'ajx:interchange-signed';

/**
 * A route of the interchange protocol: the province may authenticate with its signed request (`X-AJX-Signature`,
 * docs/interchange.md) instead of a bearer token; the key stands for its endpoint's province principal.
 * `required`: only a signed request is accepted (the key names the endpoint the request is about).
 */
export type InterchangeSigning = 'accepted' | 'required';
export const InterchangeSigned = (mode: InterchangeSigning = 'accepted') => SetMetadata(INTERCHANGE_SIGNED, mode);

/** Principal types allowed to call the route; any other authenticated principal gets 403. */
export const Roles = (...types: PrincipalType[]) => SetMetadata(ROLES, types);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return req.principal;
});

/** The endpoint whose key signed an interchange request and its body as received (undefined: a bearer token). */
export const Signed = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedRequest | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().interchange;
});

/** The id of the credential the caller authenticated with (null for a signed interchange request). */
export const CredentialId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().credentialId ?? null;
});

export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const id = ctx.switchToHttp().getRequest<AuthenticatedRequest>().id;
  return typeof id === 'string' ? id : undefined;
});

/** The console session id of the request (null: a bearer token or a signed request). */
export const SessionId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().consoleUser?.sessionId ?? null;
});
