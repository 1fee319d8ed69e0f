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
