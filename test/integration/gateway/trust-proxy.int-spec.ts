import { TestHub } from '../support/hub';

/**
 * Behind the reverse proxy the gateway sees the proxy's address on every connection; with AJX_TRUST_PROXY naming the
 * proxy, the failed-authentication throttle and the audit log see the client's address from X-Forwarded-For — and
 * without it a forged X-Forwarded-For changes nothing.
 */
describe('gateway behind a reverse proxy (AJX_TRUST_PROXY)', () => {
  const hub = new TestHub('trustproxy', {
    services: ['gateway'],
    gateway: { AJX_AUTH_FAILURES_BURST: 2, AJX_AUTH_FAILURES_PER_SECOND: 1 },
  });
  let proxied: string;
  beforeAll(async () => {
    await hub.start();
    proxied = (await hub.startExtraGateway({ AJX_TRUST_PROXY: 'loopback' })).url;
  });
  afterAll(() => hub.stop());

  const refusedWith = async (base: string, forwardedFor: string): Promise<number> => {
    const res = await fetch(`${base}/v1/admin/principals`, {
      headers: { authorization: 'Bearer ajx_o_not-a-real-token', 'x-forwarded-for': forwardedFor },
    });
    await res.text();
    return res.status;
  };
  const auditedIps = async (since: Date): Promise<string[]> =>
    (
      await hub.db.query<{ ip: string }[]>(
        `SELECT details->>'ip' AS ip FROM audit_entries WHERE action = 'auth.refused' AND at >= $1 ORDER BY id`,
        [since],
      )
    ).map((r) => r.ip);

  it('throttles and audits the client address the trusted proxy forwarded', async () => {
    const since = new Date(Date.now() - 1000);
    // Two clients behind the same proxy: the one that keeps failing is throttled, the other is not.
    expect([await refusedWith(proxied, '198.51.100.7'), await refusedWith(proxied, '198.51.100.7')]).toEqual([
      401, 401,
    ]);
    expect(await refusedWith(proxied, '198.51.100.7')).toBe(429);
    expect(await refusedWith(proxied, '203.0.113.9')).toBe(401);
    expect(await auditedIps(since)).toEqual(expect.arrayContaining(['198.51.100.7', '203.0.113.9']));
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const since = new Date(Date.now() - 1000);
    expect([await refusedWith(hub.url(), '192.0.2.1'), await refusedWith(hub.url(), '192.0.2.2')]).toEqual([401, 401]);
    // A forged header does not buy a fresh budget: the TCP peer is the client.
    expect(await refusedWith(hub.url(), '192.0.2.3')).toBe(429);
    const ips = await auditedIps(since);
    expect(ips.some((ip) => ip.startsWith('192.0.2.'))).toBe(false);
    expect(ips).toEqual(expect.arrayContaining([expect.stringMatching(/127\.0\.0\.1$/)]));
  });
});
