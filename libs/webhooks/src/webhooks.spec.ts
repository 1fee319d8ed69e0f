import { backoffDelayMs } from './webhook-backoff';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';
import { checkResolvedAddress, checkWebhookUrl, isNonPublicAddress } from './webhook-url.policy';

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
