import type { Request } from 'express';
import type { Principal } from '@ajx/identity';

/** What the auth guard attaches to every authenticated request (`id` is pino-http's request id). */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  credentialId?: string;
}
