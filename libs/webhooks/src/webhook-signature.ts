import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. Every delivery carries
 *
 *   ajx-webhook-id:        <uuid, the same on every attempt of one delivery>
 *   ajx-webhook-timestamp: <unix seconds of this attempt>
 *   ajx-webhook-signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>
 *
 * Header values are made only of these generated tokens, never of record or department data.
 */
export const WebhookHeaders = {
  id: 'ajx-webhook-id',
  timestamp: 'ajx-webhook-timestamp',
  signature: 'ajx-webhook-signature',
} as const;

export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `v1=${mac.digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver does: recompute the signature over the raw body and compare in constant time; refuse timestamps
 * further than `toleranceSeconds` from now (replays).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string | Buffer,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): SignatureCheck {
  const ts = headers.timestamp ?? '';
  if (!/^\d{1,12}$/.test(ts) || !/^v1=[0-9a-f]{64}$/.test(headers.signature ?? '')) {
    return { ok: false, reason: 'malformed' };
  }
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(ts)) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(webhookSignature(secret, Number(ts), body));
  const given = Buffer.from(headers.signature!);
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}

/** Secrets are chosen by the department: long enough to be a key, printable, no whitespace. */
export const WEBHOOK_SECRET_PATTERN = /^[\x21-\x7e]{24,256}$/;

/** Remembers keys until a time; `remember` resolves false when the key is already there (a shared store: Redis SET NX PX). */
export interface WebhookSeenStore {
  remember(key: string, expiresAtMs: number): Promise<boolean>;
  has(key: string): Promise<boolean>;
}

/** In-process store for a single receiver instance. */
export class MemoryWebhookSeenStore implements WebhookSeenStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async remember(key: string, expiresAtMs: number): Promise<boolean> {
    const t = this.now();
    if (this.seen.size > 10_000) for (const [k, until] of this.seen) if (until <= t) this.seen.delete(k);
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    this.seen.set(key, expiresAtMs);
    return true;
  }

  async has(key: string): Promise<boolean> {
    const until = this.seen.get(key);
    return until !== undefined && until > this.now();
  }
}

export type DeliveryCheck =
  | { ok: true; deliveryId: string; duplicate: boolean }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' | 'replayed' };

const DELIVERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? undefined : v;
}

/**
 * The whole receiver-side check of a delivery (docs/feeds.md): a well-formed delivery id, a valid HMAC over the raw
 * body, a timestamp inside the window, and a signature not seen before — a captured request sent again inside the
 * window is `replayed` (outside it, `stale`). A delivery id that comes again with a fresh valid signature is the hub
 * retrying (at least once): `duplicate` is true once the receiver called `processed(id)`, so it answers 2xx without
 * processing it twice. Call `processed` only after the delivery was handled, or a failed one would never be retried.
 */
export class WebhookReceiverGuard {
  private readonly tolerance: number;
  private readonly store: WebhookSeenStore;
  private readonly now: () => number;
  private readonly processedTtlMs: number;

  constructor(
    private readonly secret: string,
    opts: {
      toleranceSeconds?: number;
      store?: WebhookSeenStore;
      now?: () => number;
      /** How long a processed delivery id is remembered (default 7 days: longer than the retries last). */
      processedTtlMs?: number;
    } = {},
  ) {
    this.tolerance = opts.toleranceSeconds ?? 300;
    this.now = opts.now ?? Date.now;
    this.store = opts.store ?? new MemoryWebhookSeenStore(this.now);
    this.processedTtlMs = opts.processedTtlMs ?? 7 * 86_400_000;
  }

  async check(headers: Record<string, string | string[] | undefined>, body: string | Buffer): Promise<DeliveryCheck> {
    const deliveryId = header(headers, WebhookHeaders.id);
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) return { ok: false, reason: 'malformed' };
    const timestamp = header(headers, WebhookHeaders.timestamp);
    const signature = header(headers, WebhookHeaders.signature);
    const nowMs = this.now();
    const verdict = verifyWebhookSignature(this.secret, { timestamp, signature }, body, {
      toleranceSeconds: this.tolerance,
      nowSeconds: Math.floor(nowMs / 1000),
    });
    if (!verdict.ok) return verdict;
    const fresh = await this.store.remember(`sig:${signature}`, (Number(timestamp) + this.tolerance + 1) * 1000);
    if (!fresh) return { ok: false, reason: 'replayed' };
    return { ok: true, deliveryId, duplicate: await this.store.has(`done:${deliveryId}`) };
  }

  /** Records that the delivery was handled: a later attempt of it is reported `duplicate`. */
  async processed(deliveryId: string): Promise<void> {
    await this.store.remember(`done:${deliveryId}`, this.now() + this.processedTtlMs);
  }
}
