import {
  assertSenderAllowed,
  computeSignature,
  Keyring,
  requestTargetPayload,
  signAnswer,
  signRequest,
  verifyAnswer,
  verifySignature,
} from './signature';
import { MemoryReplayStore, replayExpiresAt, replayKey } from './replay-guard';

const SECRET_A = 'a'.repeat(16) + 'secret-of-key-a-0123456789';
const SECRET_B = 'b'.repeat(16) + 'secret-of-key-b-0123456789';
const keyring = new Keyring([
  { keyId: 'k2025', secret: SECRET_A },
  { keyId: 'k2026', secret: SECRET_B },
]);
const NOW = Date.UTC(2025, 2, 1, 4, 0, 0);
const body = JSON.stringify({ hello: '世界' });

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('request signing', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<body>" in hex, with the key id', () => {
    const h = signRequest(keyring.get('k2025')!, body, NOW);
    const ts = Math.floor(NOW / 1000);
    expect(h['X-AJX-Timestamp']).toBe(String(ts));
    expect(h['X-AJX-Key-Id']).toBe('k2025');
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const want = createHmac('sha256', SECRET_A).update(`${ts}.${body}`).digest('hex');
    expect(h['X-AJX-Signature']).toBe(`v1=${want}`);
  });

  it('accepts a correctly signed request with either key of a rotation', () => {
    for (const keyId of ['k2025', 'k2026']) {
      const headers = lower(signRequest(keyring.get(keyId)!, Buffer.from(body), NOW));
      const r = verifySignature({ headers, payload: Buffer.from(body), keyring, now: NOW + 299_000 });
      expect(r).toMatchObject({ ok: true, timestamp: Math.floor(NOW / 1000) });
      expect(r.ok && r.key.keyId).toBe(keyId);
    }
  });

  it('reads headers from a fetch Headers object too', () => {
    const headers = new Headers(signRequest(keyring.get('k2025')!, body, NOW));
    expect(verifySignature({ headers, payload: body, keyring, now: NOW }).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    const headers = lower(signRequest(keyring.get('k2025')!, body, NOW));
    const r = verifySignature({ headers, payload: body.replace('世界', '世間'), keyring, now: NOW });
    expect(r).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a tampered timestamp', () => {
    const headers = lower(signRequest(keyring.get('k2025')!, body, NOW));
    headers['x-ajx-timestamp'] = String(Number(headers['x-ajx-timestamp']) + 1);
    expect(verifySignature({ headers, payload: body, keyring, now: NOW })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISMATCH',
    });
  });

  it('refuses a signature made with another key than the one named', () => {
    const headers = lower(signRequest(keyring.get('k2025')!, body, NOW));
    headers['x-ajx-key-id'] = 'k2026';
    expect(verifySignature({ headers, payload: body, keyring, now: NOW })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISMATCH',
    });
  });

  it('refuses timestamps outside the window, in the past and in the future', () => {
    const headers = lower(signRequest(keyring.get('k2025')!, body, NOW));
    expect(verifySignature({ headers, payload: body, keyring, now: NOW + 301_000 })).toMatchObject({
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(verifySignature({ headers, payload: body, keyring, now: NOW - 301_000 })).toMatchObject({
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(verifySignature({ headers, payload: body, keyring, now: NOW + 30_000, toleranceSeconds: 10 }).ok).toBe(
      false,
    );
  });

  it('names what is missing or malformed, and unknown keys', () => {
    expect(verifySignature({ headers: {}, payload: body, keyring, now: NOW })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISSING',
      message: 'missing header X-AJX-Key-Id, X-AJX-Timestamp, X-AJX-Signature',
    });
    const good = lower(signRequest(keyring.get('k2025')!, body, NOW));
    expect(
      verifySignature({ headers: { ...good, 'x-ajx-signature': 'sha256=abc' }, payload: body, keyring, now: NOW }),
    ).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
    expect(
      verifySignature({ headers: { ...good, 'x-ajx-timestamp': '2025-03-01' }, payload: body, keyring, now: NOW }),
    ).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
    expect(
      verifySignature({ headers: { ...good, 'x-ajx-key-id': 'k1999' }, payload: body, keyring, now: NOW }),
    ).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
  });

  it('accepts a list of v1 signatures when one of them matches', () => {
    const good = lower(signRequest(keyring.get('k2025')!, body, NOW));
    const other = `v1=${'0'.repeat(64)}`;
    const headers = { ...good, 'x-ajx-signature': `${other}, ${good['x-ajx-signature']}` };
    expect(verifySignature({ headers, payload: body, keyring, now: NOW }).ok).toBe(true);
  });

  it('signs body-less requests over the method and request target', () => {
    const payload = requestTargetPayload('get', '/v1/interchange/events?after=abc');
    expect(payload).toBe('GET /v1/interchange/events?after=abc');
    const headers = lower(signRequest(keyring.get('k2025')!, payload, NOW));
    expect(verifySignature({ headers, payload, keyring, now: NOW }).ok).toBe(true);
    expect(verifySignature({ headers, payload: 'GET /v1/interchange/events?after=abd', keyring, now: NOW }).ok).toBe(
      false,
    );
  });

  it('parses keyId:secret lists and refuses weak or repeated keys', () => {
    const ring = Keyring.parse(`k1:${SECRET_A}, k2:${SECRET_B}:with-colon`);
    expect(ring.size).toBe(2);
    expect(ring.get('k2')!.secret).toBe(`${SECRET_B}:with-colon`);
    expect(ring.first().keyId).toBe('k1');
    expect(() => Keyring.parse('k1:short')).toThrow(/shorter than 32/);
    expect(() => Keyring.parse(`k1:${SECRET_A},k1:${SECRET_B}`)).toThrow(/twice/);
    expect(() => Keyring.parse(SECRET_A)).toThrow(/keyId:secret/);
    expect(() => new Keyring([{ keyId: 'bad id', secret: SECRET_A }])).toThrow(/invalid key id/);
  });

  it('lets a key bound to a sender sign only for it', () => {
    const bound = { keyId: 'k', secret: SECRET_A, sender: 'hub-zj' };
    expect(() => assertSenderAllowed(bound, 'hub-zj')).not.toThrow();
    expect(() => assertSenderAllowed(bound, 'hub-sd')).toThrow(
      expect.objectContaining({ code: 'SENDER_NOT_ALLOWED', status: 403 }),
    );
    expect(() => assertSenderAllowed({ keyId: 'k', secret: SECRET_A }, 'hub-sd')).not.toThrow();
  });

  it('computes the same signature for a Buffer and a string of the same bytes', () => {
    expect(computeSignature(SECRET_A, 1, Buffer.from(body))).toBe(computeSignature(SECRET_A, 1, body));
  });
});

describe('replay refusal', () => {
  it('remembers a signature until its timestamp leaves the window', async () => {
    let now = NOW;
    const store = new MemoryReplayStore(() => now);
    const headers = lower(signRequest(keyring.get('k2025')!, body, NOW));
    const check = verifySignature({ headers, payload: body, keyring, now });
    if (!check.ok) throw new Error(check.message);
    const key = replayKey(check.key.keyId, check.signature);
    const until = replayExpiresAt(check.timestamp, 300);
    expect(await store.remember(key, until)).toBe(true);
    expect(await store.remember(key, until)).toBe(false);
    now = until - 1;
    expect(await store.remember(key, until)).toBe(false);
    // Past the window the timestamp check refuses the request, so the store may forget it.
    now = until;
    expect(verifySignature({ headers, payload: body, keyring, now }).ok).toBe(false);
    expect(await store.remember(key, until + 1000)).toBe(true);
  });
});

describe('signed answers (acknowledgements, verdicts)', () => {
  const ack = JSON.stringify({ batchId: 'b1', status: 'accepted', accepted: 3, duplicateEntries: 0, watermark: 9 });

  it('takes a signed answer once; refuses it replayed, unsigned, forged, edited, stale or under an unknown key', async () => {
    const seen = new MemoryReplayStore(() => NOW);
    const headers = lower(signAnswer({ keyId: 'k2026', secret: SECRET_B }, ack, NOW));
    const check = (h: Record<string, string>, b = ack, now = NOW) =>
      verifyAnswer({ headers: h, body: b, keyring, seen, now }).then((c) => (c.ok ? 'ok' : c.code));
    expect(await check(headers)).toBe('ok');
    expect(await check(headers)).toBe('REPLAYED');
    expect(await check({})).toBe('SIGNATURE_MISSING');
    const forged = lower(signAnswer({ keyId: 'k2026', secret: 'f'.repeat(40) }, ack, NOW));
    expect(await check(forged)).toBe('SIGNATURE_MISMATCH');
    const fresh = lower(signAnswer({ keyId: 'k2025', secret: SECRET_A }, ack, NOW + 1000));
    expect(await check(fresh, ack.replace('"watermark":9', '"watermark":99'), NOW + 1000)).toBe('SIGNATURE_MISMATCH');
    expect(await check(lower(signAnswer({ keyId: 'k2025', secret: SECRET_A }, ack, NOW - 301_000)))).toBe(
      'TIMESTAMP_OUT_OF_WINDOW',
    );
    expect(await check(lower(signAnswer({ keyId: 'other', secret: SECRET_A }, ack, NOW)))).toBe('UNKNOWN_KEY');
  });
});
