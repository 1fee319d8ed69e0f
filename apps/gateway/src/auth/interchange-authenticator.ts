import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PrincipalService, type Principal } from '@ajx/identity';
import {
  InterchangeError,
  type Keyring,
  replayExpiresAt,
  replayKey,
  requestTargetPayload,
  verifySignature,
} from '@ajx/interchange-protocol';
import { endpointKeyring, endpointOfKey, type InterchangeEndpoint } from '@ajx/interchange-store';
import { REDIS } from '@ajx/redis';
import type Redis from 'ioredis';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { protocolError } from '../http/protocol-error';

/** Largest signed interchange body the gateway reads (reconciliation reports). */
export const MAX_SIGNED_BODY_BYTES = 1024 * 1024;

async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () =>
    protocolError(new InterchangeError('PAYLOAD_TOO_LARGE', `the body exceeds the limit of ${limit} bytes`));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export interface SignedCaller {
  principal: Principal;
  endpoint: InterchangeEndpoint;
  rawBody: Buffer | null;
}

/**
 * Authenticates a province's signed interchange request (docs/interchange.md, Signing): the key is one of the
 * endpoints' keys (AJX_INTERCHANGE_ENDPOINTS), the HMAC covers the body as received (or `"<METHOD> <path?query>"`
 * without a body), the timestamp is within the window, and the signature was not seen before (kept in Redis, so the
 * refusal holds across gateway instances). The key stands for its endpoint's province principal, which must exist,
 * be enabled and be of that province.
 */
@Injectable()
export class InterchangeAuthenticator {
  private readonly keyring: Keyring;
  private readonly endpoints: InterchangeEndpoint[];

  constructor(
    private readonly config: GatewayConfig,
    private readonly principals: PrincipalService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    const endpoints = config.interchangeEndpoints();
    this.keyring = endpointKeyring(endpoints);
    this.endpoints = endpoints;
  }

  async authenticate(req: Request): Promise<SignedCaller> {
    const bodyless = req.method === 'GET' || req.method === 'HEAD';
    const rawBody = bodyless ? null : await readBody(req, MAX_SIGNED_BODY_BYTES);
    const payload = rawBody ?? requestTargetPayload(req.method, req.originalUrl);
    const tolerance = this.config.AJX_INTERCHANGE_TOLERANCE_S;
    const check = verifySignature({
      headers: req.headers,
      payload,
      keyring: this.keyring,
      toleranceSeconds: tolerance,
    });
    if (!check.ok) throw protocolError(new InterchangeError(check.code, check.message));
    const ttl = replayExpiresAt(check.timestamp, tolerance) - Date.now();
    const fresh = await this.redis.set(
      `replay:interchange:${replayKey(check.key.keyId, check.signature)}`,
      '1',
      'PX',
      Math.max(1, ttl),
      'NX',
    );
    if (fresh === null) {
      throw protocolError(
        new InterchangeError('REPLAYED', 'this signed request was already received; sign every attempt anew'),
      );
    }
    const { endpoint, until } = endpointOfKey(this.endpoints, check.key.keyId)!;
    // A key kept for a rotation's overlap stops being accepted at its `until`.
    if (until && Date.now() > until.getTime()) {
      throw protocolError(
        new InterchangeError('UNKNOWN_KEY', `key ${check.key.keyId} was accepted until ${until.toISOString()}`),
      );
    }
    const principal = await this.principals.get(endpoint.principal);
    if (
      !principal ||
      principal.disabledAt !== null ||
      principal.type !== 'province' ||
      !principal.regionCode?.startsWith(endpoint.province)
    ) {
      throw apiError(
        403,
        'FORBIDDEN',
        `key ${endpoint.key.keyId} stands for ${endpoint.principal}, which is not an enabled province principal of ` +
          `province ${endpoint.province}`,
      );
    }
    return { principal, endpoint, rawBody };
  }
}
