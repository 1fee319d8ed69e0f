import { Injectable } from '@nestjs/common';
import {
  type HeaderBag,
  InterchangeError,
  Keyring,
  replayExpiresAt,
  replayKey,
  type SigningKey,
  verifySignature,
} from '@ajx/interchange-protocol';
import { ProvinceSimulatorConfig } from '../province-simulator.config';

export interface AuthenticatedRequest {
  key: SigningKey;
  /** What the replay store remembers for this request, and until when. */
  replay: { key: string; expiresAtMs: number };
}

/** Verifies the hub's signatures with the simulator's keyring; the simulator's own requests are signed with it. */
@Injectable()
export class RequestAuthenticator {
  readonly keyring: Keyring;
  private readonly tolerance: number;
  private readonly ownKey: SigningKey;

  constructor(config: ProvinceSimulatorConfig) {
    this.keyring = Keyring.parse(config.AJX_PROVINCE_SIM_SECRETS);
    this.tolerance = config.AJX_PROVINCE_SIM_TOLERANCE_S;
    const own = config.AJX_PROVINCE_SIM_HUB_KEY_ID;
    const key = own ? this.keyring.get(own) : this.keyring.first();
    if (!key) throw new Error(`AJX_PROVINCE_SIM_HUB_KEY_ID ${own} is not one of AJX_PROVINCE_SIM_SECRETS`);
    this.ownKey = key;
  }

  /** The key the simulator signs its requests to the hub with. */
  get signingKey(): SigningKey {
    return this.ownKey;
  }

  /** Throws a 401 `InterchangeError` unless the request is signed with a known key within the window. */
  authenticate(headers: HeaderBag, payload: Buffer | string): AuthenticatedRequest {
    const check = verifySignature({ headers, payload, keyring: this.keyring, toleranceSeconds: this.tolerance });
    if (!check.ok) throw new InterchangeError(check.code, check.message);
    return {
      key: check.key,
      replay: {
        key: replayKey(check.key.keyId, check.signature),
        expiresAtMs: replayExpiresAt(check.timestamp, this.tolerance),
      },
    };
  }
}
