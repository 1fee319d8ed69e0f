import type { Request } from 'express';
import type { Principal } from '@ajx/identity';
import type { InterchangeEndpoint } from '@ajx/interchange-store';

/** What the auth guard attaches to every authenticated request (`id` is pino-http's request id). */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  credentialId?: string;
  interchange?: SignedRequest;
  /** A console request: the signed-in user (the principal is its principal). */
  consoleUser?: { id: string; username: string; sessionId: string };
}

/** A signed interchange request: the endpoint whose key signed it, and the body exactly as received. */
export interface SignedRequest {
  endpoint: InterchangeEndpoint;
  rawBody: Buffer | null;
}
