import { endpointKeyring, endpointOfKey, parseInterchangeEndpoints } from './interchange-endpoints';

/** acceptKeys: the keys of a rotation's overlap (docs/operations.md, "Rotation"). */
describe('interchange endpoint keys during a rotation', () => {
  const secret = (c: string) => `${c}-0123456789abcdef0123456789abcdef`;
  const endpoint = (extra: Record<string, unknown>) =>
    JSON.stringify([
      { id: 'zj', url: 'https://zj.example', province: '33', principal: 'p-zj', mode: 'realtime', keyId: 'k2', secret: secret('b'), ...extra },
    ]); // prettier-ignore

  it('signs with the endpoint key and verifies the accepted keys too', () => {
    const [e] = parseInterchangeEndpoints(
      endpoint({
        acceptKeys: [
          { keyId: 'k1', secret: secret('a'), until: '2026-07-01T00:00:00+08:00' },
          { keyId: 'k0', secretFile: '/etc/ajx/k0' },
        ],
      }),
      () => `${secret('c')}\n`,
    );
    expect(e.key).toEqual({ keyId: 'k2', secret: secret('b') });
    expect(e.acceptKeys).toEqual([
      { keyId: 'k1', secret: secret('a'), until: new Date('2026-06-30T16:00:00Z') },
      { keyId: 'k0', secret: secret('c'), until: null },
    ]);
    expect(['k2', 'k1', 'k0'].map((k) => endpointKeyring([e]).get(k)?.keyId)).toEqual(['k2', 'k1', 'k0']);
    expect(endpointOfKey([e], 'k1')).toEqual({ endpoint: e, until: new Date('2026-06-30T16:00:00Z') });
    expect(endpointOfKey([e], 'k2')).toEqual({ endpoint: e, until: null });
    expect(endpointOfKey([e], 'k9')).toBeNull();
  });

  it('names every problem of the accepted keys, without echoing a secret', () => {
    let message = '';
    try {
      parseInterchangeEndpoints(
        endpoint({
          acceptKeys: [
            { keyId: 'k2', secret: secret('dup') },
            { keyId: 'k3', secret: 'short-secret-value' },
            { keyId: 'k4', secret: secret('d'), until: 'tomorrow' },
            { keyId: 'k5', secret: secret('e'), secretFile: '/x', colour: 'red' },
          ],
        }),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('acceptKeys: key 0: keyId k2 is used by another key');
    expect(message).toContain('acceptKeys: key 1: the secret must be at least 32 characters');
    expect(message).toContain('acceptKeys: key 2: until must be an ISO 8601 time');
    expect(message).toContain('acceptKeys: key 3: colour is not a known setting');
    expect(message).toContain('acceptKeys: key 3: give exactly one of secret and secretFile');
    expect(message).not.toContain('short-secret-value');
  });
});
