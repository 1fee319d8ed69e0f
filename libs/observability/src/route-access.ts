import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route without the API's ordinary authentication. An API gateway authenticates every route that does
 * not carry this metadata (deny by default); the allow-list is what carries it: health probes and, when configured,
 * metrics.
 */
export const ROUTE_ACCESS = 'ajx:route-access';

/** `public`: anyone (health probes). `operator`: an operator's credential, whatever the path. */
export type RouteAccess = 'public' | 'operator';

/** No credential needed. Keep this list short: health, metrics if configured public, documentation. */
export const PublicRoute = () => SetMetadata(ROUTE_ACCESS, 'public' satisfies RouteAccess);

/** Only an operator (e.g. /metrics on an API port facing insurers and departments). */
export const OperatorRoute = () => SetMetadata(ROUTE_ACCESS, 'operator' satisfies RouteAccess);
