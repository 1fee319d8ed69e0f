import { createHmac, timingSafeEqual } from 'node:crypto';
import { InterchangeError, type InterchangeErrorCode } from './errors';

/**
 * Request signing: `X-AJX-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<payload>")>` where the payload is
 * the raw request body (bytes as sent) or, for a request without a body, `"<METHOD> <request-target>"`;
 * `X-AJX-Timestamp` is unix seconds and `X-AJX-Key-Id` names the key, so senders can rotate keys.
 */
export const SIGNATURE_HEADERS = {
  keyId: 'x-ajx-key-id',
  timestamp: 'x-ajx-timestamp',
  signature: 'x-ajx-signature',
} as const;

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const MIN_SECRET_LENGTH = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const TIMESTAMP = /^\d{1,12}$/;
const V1 = /^v1=([0-9a-f]{64})$/;

export interface SigningKey {
  keyId: string;
  secret: string;
  /** When set, the key may only sign documents naming this sender. */
  sender?: string;
}

/** The keys a party accepts (several per sender during a rotation). */
export class Keyring {
  private readonly keys = new Map<string, SigningKey>();

  constructor(keys: SigningKey[]) {
    for (const k of keys) {
      if (!KEY_ID.test(k.keyId)) throw new Error(`invalid key id ${JSON.stringify(k.keyId)} (letters, digits, . _ -)`);
      if (k.secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`the secret of key ${k.keyId} is shorter than ${MIN_SECRET_LENGTH} characters`);
      }
      if (this.keys.has(k.keyId)) throw new Error(`key id ${k.keyId} is given twice`);
      this.keys.set(k.keyId, k);
    }
  }

  /** `keyId:secret[,keyId:secret…]` (a secret may itself contain `:`; never `,`). */
  static parse(list: string): Keyring {
    const keys = list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((item) => {
        const at = item.indexOf(':');
        if (at <= 0) throw new Error('each key must be written keyId:secret');
        return { keyId: item.slice(0, at), secret: item.slice(at + 1) };
      });
    return new Keyring(keys);
  }

  get(keyId: string): SigningKey | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The first key given: the one a party signs its own requests with unless told otherwise. */
  first(): SigningKey {
    const [k] = this.keys.values();
    if (!k) throw new Error('the keyring is empty');
    return k;
  }
}

/** The payload signed for a request without a body. */
export function requestTargetPayload(method: string, target: string): string {
  return `${method.toUpperCase()} ${target}`;
}

export function computeSignature(secret: string, timestamp: number, payload: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex');
}

/** The three headers of a signed request. Sign every attempt anew: a re-used signature is refused as a replay. */
export function signRequest(
  key: SigningKey,
  payload: Buffer | string,
  now: number = Date.now(),
): Record<'X-AJX-Key-Id' | 'X-AJX-Timestamp' | 'X-AJX-Signature', string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'X-AJX-Key-Id': key.keyId,
    'X-AJX-Timestamp': String(timestamp),
    'X-AJX-Signature': `v1=${computeSignature(key.secret, timestamp, payload)}`,
  };
}

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v.join(',') : v;
}

export type SignatureCheck =
  | { ok: true; key: SigningKey; timestamp: number; signature: string }
  | { ok: false; code: InterchangeErrorCode; message: string };

/**
 * Verifies a signed request: known key, well-formed headers, timestamp within `toleranceSeconds` of `now`, and an
 * HMAC equal (compared in constant time) to one of the `v1=` values given. Replays are refused separately (see
 * `ReplayGuard`): this check is stateless.
 */
export function verifySignature(o: {
  headers: HeaderBag;
  payload: Buffer | string;
  keyring: Keyring;
  now?: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const keyId = header(o.headers, SIGNATURE_HEADERS.keyId);
  const ts = header(o.headers, SIGNATURE_HEADERS.timestamp);
  const sig = header(o.headers, SIGNATURE_HEADERS.signature);
  const missing = [
    keyId === undefined && 'X-AJX-Key-Id',
    ts === undefined && 'X-AJX-Timestamp',
    sig === undefined && 'X-AJX-Signature',
  ].filter(Boolean);
  if (missing.length) return { ok: false, code: 'SIGNATURE_MISSING', message: `missing header ${missing.join(', ')}` };
  if (!TIMESTAMP.test(ts!.trim())) {
    return { ok: false, code: 'SIGNATURE_MALFORMED', message: 'X-AJX-Timestamp must be unix seconds' };
  }
  const candidates = sig!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='));
  const hexes = candidates.map((c) => V1.exec(c)?.[1]);
  if (hexes.length === 0 || hexes.some((h) => h === undefined)) {
    return { ok: false, code: 'SIGNATURE_MALFORMED', message: 'X-AJX-Signature must be v1=<64 lower-case hex digits>' };
  }
  const key = o.keyring.get(keyId!.trim());
  if (!key) return { ok: false, code: 'UNKNOWN_KEY', message: `unknown key id ${JSON.stringify(keyId!.trim())}` };
  const timestamp = Number(ts!.trim());
  const tolerance = o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.floor((o.now ?? Date.now()) / 1000) - timestamp;
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
      message: `X-AJX-Timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; the window is ±${tolerance} s`,
    };
  }
  const expected = Buffer.from(computeSignature(key.secret, timestamp, o.payload), 'hex');
  // Every candidate is compared (no early exit) so timing says nothing about which one, if any, matched.
  let match: string | undefined;
  for (const h of hexes as string[]) {
    if (timingSafeEqual(expected, Buffer.from(h, 'hex')) && match === undefined) match = h;
  }
  if (match === undefined) {
    return { ok: false, code: 'SIGNATURE_MISMATCH', message: 'the signature does not match the body and timestamp' };
  }
  return { ok: true, key, timestamp, signature: match };
}

/** A key bound to a sender signs only that sender's documents (403 `SENDER_NOT_ALLOWED` otherwise). */
export function assertSenderAllowed(key: SigningKey, sender: string): void {
  if (key.sender !== undefined && key.sender !== sender) {
    throw new InterchangeError('SENDER_NOT_ALLOWED', `key ${key.keyId} may not sign for sender ${sender}`);
  }
}

/**
 * Answers are signed like requests (issue 21): the receiver signs the raw body of its 2xx answer — an
 * acknowledgement of a batch, the verdict on a daily manifest — with the same headers and its key, anew for every
 * answer. The sender verifies it with the endpoint's keyring and refuses the answer (the document is then not
 * acknowledged and is sent again) when it is unsigned, forged, outside the window or replayed.
 */
export const signAnswer = signRequest;

export type AnswerCheck = { ok: true; keyId: string } | { ok: false; code: InterchangeErrorCode; message: string };

/** Verifies a signed answer and remembers its signature, so that the same signed answer is taken at most once. */
export async function verifyAnswer(o: {
  headers: HeaderBag;
  body: Buffer | string;
  keyring: Keyring;
  seen: { remember(key: string, expiresAtMs: number): Promise<boolean> };
  now?: number;
  toleranceSeconds?: number;
}): Promise<AnswerCheck> {
  const tolerance = o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const check = verifySignature({
    headers: o.headers,
    payload: o.body,
    keyring: o.keyring,
    now: o.now,
    toleranceSeconds: tolerance,
  });
  if (!check.ok) return check;
  const fresh = await o.seen.remember(
    `answer:${check.key.keyId}:${check.signature}`,
    (check.timestamp + tolerance + 1) * 1000,
  );
  if (!fresh) return { ok: false, code: 'REPLAYED', message: 'this signed answer was received before' };
  return { ok: true, keyId: check.key.keyId };
}
