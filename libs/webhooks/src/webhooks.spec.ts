import { backoffDelayMs } from './webhook-backoff';
import { createHmac, randomUUID } from 'node:crypto';
import { verifyWebhookSignature, WebhookHeaders, WebhookReceiverGuard, webhookSignature } from './webhook-signature';
import { checkResolvedAddress, checkWebhookUrl, embeddedIpv4, isNonPublicAddress } from './webhook-url.policy';

describe('webhook signatures', () => {
  const secret = 's3cret-s3cret-s3cret-s3cret';
  const body = '{"entry":{"seq":1}}';

  it('sign <timestamp>.<body> with HMAC-SHA256 and verify it', () => {
    const sig = webhookSignature(secret, 1700000000, body);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    const headers = { timestamp: '1700000000', signature: sig };
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: 1700000010 })).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, headers, `${body} `, { nowSeconds: 1700000010 })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('other-secret-other-secret', headers, body, { nowSeconds: 1700000010 }).ok).toBe(
      false,
    );
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: 1700001000 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(secret, { timestamp: 'x', signature: sig }, body).ok).toBe(false);
  });

  it('matches a known-answer vector (computed with openssl and with createHmac directly)', () => {
    const kat = {
      secret: 'whsec-known-answer-0123456789abcdef',
      timestamp: 1767225600,
      body: '{"type":"ajx.dept.feed.entry","seq":1}',
      // printf '%s' '1767225600.{"type":"ajx.dept.feed.entry","seq":1}' | openssl dgst -sha256 -hmac '<secret>'
      hex: 'dc01b973bd0c230b538628a6562bc658c4e269a3a4dd06fdf145ff37c8c46d64',
    };
    const direct = createHmac('sha256', kat.secret).update(`${kat.timestamp}.${kat.body}`).digest('hex');
    expect(direct).toBe(kat.hex);
    expect(webhookSignature(kat.secret, kat.timestamp, kat.body)).toBe(`v1=${kat.hex}`);
    expect(webhookSignature(kat.secret, kat.timestamp, Buffer.from(kat.body))).toBe(`v1=${kat.hex}`);
  });
});

describe('webhook receiver guard (forged, stale, replayed, retried deliveries)', () => {
  const secret = 's3cret-s3cret-s3cret-s3cret';
  const body = '{"entry":{"seq":1}}';
  let nowMs = 1_700_000_000_000;
  const guard = () => new WebhookReceiverGuard(secret, { now: () => nowMs });
  const delivery = (id: string, ts: number, b = body, key = secret) => ({
    [WebhookHeaders.id]: id,
    [WebhookHeaders.timestamp]: String(ts),
    [WebhookHeaders.signature]: webhookSignature(key, ts, b),
  });

  it('accepts a genuine delivery once and refuses the same signed request again as replayed', async () => {
    const g = guard();
    const id = randomUUID();
    const h = delivery(id, nowMs / 1000);
    expect(await g.check(h, body)).toEqual({ ok: true, deliveryId: id, duplicate: false });
    expect(await g.check(h, body)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses forged (wrong key, edited body, swapped signature), stale and malformed deliveries', async () => {
    const g = guard();
    const ts = nowMs / 1000;
    expect(await g.check(delivery(randomUUID(), ts, body, 'another-secret-another-secret'), body)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await g.check(delivery(randomUUID(), ts), '{"entry":{"seq":2}}')).toEqual({ ok: false, reason: 'mismatch' });
    const swapped = {
      ...delivery(randomUUID(), ts),
      [WebhookHeaders.signature]: delivery(randomUUID(), ts, '{}')[WebhookHeaders.signature],
    };
    expect(await g.check(swapped, body)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await g.check(delivery(randomUUID(), ts - 301), body)).toEqual({ ok: false, reason: 'stale' });
    expect(await g.check(delivery(randomUUID(), ts + 301), body)).toEqual({ ok: false, reason: 'stale' });
    expect(await g.check(delivery('not-a-uuid', ts), body)).toEqual({ ok: false, reason: 'malformed' });
    expect(await g.check({ ...delivery(randomUUID(), ts), [WebhookHeaders.signature]: undefined }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('reports a processed delivery id coming again with a fresh signature as a duplicate (the hub retrying)', async () => {
    const g = guard();
    const id = randomUUID();
    expect(await g.check(delivery(id, nowMs / 1000), body)).toMatchObject({ ok: true, duplicate: false });
    // Not processed yet (the receiver failed): the retry is handled again.
    nowMs += 5000;
    expect(await g.check(delivery(id, nowMs / 1000), body)).toMatchObject({ ok: true, duplicate: false });
    await g.processed(id);
    nowMs += 5000;
    expect(await g.check(delivery(id, nowMs / 1000), body)).toMatchObject({ ok: true, duplicate: true });
  });

  it('forgets replay keys once their timestamps are out of the window (stale from then on)', async () => {
    const g = guard();
    const h = delivery(randomUUID(), nowMs / 1000);
    expect((await g.check(h, body)).ok).toBe(true);
    nowMs += 302_000;
    expect(await g.check(h, body)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('webhook URL policy', () => {
  const strict = { allowPrivateNetworks: false, allowedHosts: [] };
  const open = { allowPrivateNetworks: true, allowedHosts: [] };

  it('accepts public http(s) URLs', () => {
    expect(checkWebhookUrl('https://dept.example.gov.cn/hook?x=1', strict).ok).toBe(true);
    expect(checkWebhookUrl('http://8.8.8.8:8080/hook', strict).ok).toBe(true);
  });

  it.each([
    ['ftp://example.com/x', 'only http and https'],
    ['https://user:pw@example.com/x', 'credentials'],
    ['https://example.com/x#frag', 'fragment'],
    ['not a url', 'whitespace'],
    ['https://example.com/a\r\nX-Injected: 1', 'whitespace or control'],
    ['http://127.0.0.1:9000/x', 'loopback and private'],
    ['http://localhost/x', 'loopback and private'],
    ['http://10.1.2.3/x', 'loopback and private'],
    ['http://[::1]/x', 'loopback and private'],
    ['http://[fd00::1]/x', 'loopback and private'],
    ['http://169.254.169.254/latest', 'loopback and private'],
    ['http://0x7f.1/x', 'loopback and private'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback and private'],
    // Issue 23: IPv6 forms that carry a loopback or private IPv4 address, and C1 controls (NEL).
    ['http://[::127.0.0.1]/x', 'loopback and private'],
    ['http://[::ffff:0:7f00:1]/x', 'loopback and private'],
    ['http://[2002:7f00:1::]/x', 'loopback and private'],
    ['http://[2002:c0a8:101::1]/x', 'loopback and private'],
    ['http://[64:ff9b::10.0.0.1]/x', 'loopback and private'],
    ['http://[64:ff9b:1::8.8.8.8]/x', 'loopback and private'],
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x', 'loopback and private'],
    ['http://[::a9fe:a9fe]/latest', 'loopback and private'],
    ['https://example.com/a\u0085b', 'whitespace or control'],
    ['https://example.com/a\u009bb', 'whitespace or control'],
  ])('refuses %s', (url, reason) => {
    const r = checkWebhookUrl(url, strict);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('allows loopback when private networks are allowed (tests, demo)', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9000/x', open).ok).toBe(true);
  });

  it('applies the host allow-list', () => {
    const listed = { allowPrivateNetworks: false, allowedHosts: ['hooks.example.gov.cn', '*.jn.gov.cn'] };
    expect(checkWebhookUrl('https://hooks.example.gov.cn/x', listed).ok).toBe(true);
    expect(checkWebhookUrl('https://a.jn.gov.cn/x', listed).ok).toBe(true);
    expect(checkWebhookUrl('https://jn.gov.cn.evil.com/x', listed).ok).toBe(false);
  });

  it('keeps public IPv6 addresses and public IPv4 addresses in IPv6 forms public', () => {
    for (const a of ['2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1', '2400:3200::1'])
      expect([a, isNonPublicAddress(a)]).toEqual([a, false]);
    expect(embeddedIpv4('2002:7f00:1::')).toEqual(['127.0.0.1']);
    expect(embeddedIpv4('::ffff:0:7f00:1')).toEqual(['127.0.0.1']);
    expect(embeddedIpv4('2001:0:4136:e378:8000:63bf:80ff:fffe')).toEqual(['65.54.227.120', '127.0.0.1']);
    expect(embeddedIpv4('2606:4700::1')).toEqual([]);
  });

  it('checks resolved addresses (no rebinding to internal hosts)', () => {
    expect(isNonPublicAddress('192.168.1.1')).toBe(true);
    expect(isNonPublicAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isNonPublicAddress('1.1.1.1')).toBe(false);
    expect(checkResolvedAddress('10.0.0.1', strict)).toContain('non-public');
    expect(checkResolvedAddress('10.0.0.1', open)).toBeNull();
  });
});

describe('webhook backoff', () => {
  it('doubles per attempt with jitter, capped', () => {
    const p = { baseMs: 1000, maxMs: 60000 };
    expect(backoffDelayMs(1, p, () => 0)).toBe(500);
    expect(backoffDelayMs(1, p, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, p, () => 1)).toBe(4000);
    expect(backoffDelayMs(30, p, () => 1)).toBe(60000);
    expect(backoffDelayMs(30, p, () => 0)).toBe(30000);
  });
});
