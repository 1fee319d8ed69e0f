import { endpointKeyring, InterchangeEndpointsError, parseInterchangeEndpoints } from './interchange-endpoints';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const base = {
  id: 'zj',
  url: 'https://province.example/',
  province: '33',
  principal: 'province-zj',
  mode: 'realtime',
  keyId: 'zj-2025',
  secret: SECRET,
};
const problems = (json: string, readFile?: (f: string) => string): string[] => {
  try {
    parseInterchangeEndpoints(json, readFile);
  } catch (err) {
    return (err as InterchangeEndpointsError).problems;
  }
  throw new Error('accepted');
};

describe('AJX_INTERCHANGE_ENDPOINTS', () => {
  it('reads endpoints with their defaults', () => {
    expect(parseInterchangeEndpoints('')).toEqual([]);
    expect(parseInterchangeEndpoints(JSON.stringify([base]))).toEqual([
      {
        id: 'zj',
        url: 'https://province.example',
        province: '33',
        principal: 'province-zj',
        mode: 'realtime',
        cron: null,
        key: { keyId: 'zj-2025', secret: SECRET },
        acceptKeys: [],
        batchSize: 100,
        maxBatchBytes: 4 * 1024 * 1024,
        timeoutMs: 30_000,
        kinds: null,
      },
    ]);
    const [scheduled, off] = parseInterchangeEndpoints(
      JSON.stringify([
        { ...base, mode: 'scheduled', cron: '0 2 * * *', batchSize: 1000, timeoutMs: 5000 },
        { ...base, id: 'zj-pull', url: undefined, mode: 'off', keyId: 'zj-pull', secret: undefined, secretFile: '/k' },
      ]),
      () => `${SECRET}-from-file\n`,
    );
    expect(scheduled).toMatchObject({ cron: '0 2 * * *', batchSize: 1000, timeoutMs: 5000 });
    expect(off).toMatchObject({ url: null, mode: 'off', key: { keyId: 'zj-pull', secret: `${SECRET}-from-file` } });
    expect(endpointKeyring([scheduled, off]).get('zj-pull')?.secret).toBe(`${SECRET}-from-file`);
  });

  it('limits an endpoint to the record kinds its province takes (in the data standard’s order), or takes all', () => {
    const [v1] = parseInterchangeEndpoints(JSON.stringify([{ ...base, kinds: ['hazard', 'policy', 'service'] }]));
    expect(v1.kinds).toEqual(['policy', 'service', 'hazard']);
    expect(parseInterchangeEndpoints(JSON.stringify([base]))[0].kinds).toBeNull();
    expect(problems(JSON.stringify([{ ...base, kinds: [] }]))).toEqual([
      'endpoint 0: kinds must be a non-empty list of policy, service, hazard, accident, claim',
    ]);
    expect(problems(JSON.stringify([{ ...base, kinds: ['policy', 'incident'] }]))).toEqual([
      'endpoint 0: kinds must be a non-empty list of policy, service, hazard, accident, claim',
    ]);
    expect(problems(JSON.stringify([{ ...base, kinds: ['policy', 'policy'] }]))).toEqual([
      'endpoint 0: kinds names a kind twice',
    ]);
  });

  it('names every problem, and never a secret', () => {
    const found = problems(
      JSON.stringify([
        { ...base, id: 'Bad Id', url: 'ftp://x', province: '3', mode: 'scheduled', extra: 1, secret: 'short' },
        { ...base, keyId: 'k1', mode: 'realtime', cron: '* * * * *', url: undefined, batchSize: 0, timeoutMs: 'soon' },
        { ...base, id: 'zj2', keyId: 'k2', secret: undefined },
        { ...base, id: 'zj3', keyId: 'zj-2025' },
        'nope',
      ]),
    );
    expect(found).toEqual([
      'endpoint 0: extra is not a known setting',
      'endpoint 0: id must be lower-case letters, digits, ".", "_" or "-" (1–64)',
      'endpoint 0: url must be an http(s) base URL without query',
      'endpoint 0: province must be a two-digit province code such as "33"',
      'endpoint 0: cron must be a cron pattern of 5 or 6 fields (time zone Asia/Shanghai)',
      'endpoint 0: the secret must be at least 32 characters',
      'endpoint 1: url is required in mode realtime',
      'endpoint 1: cron is only for mode scheduled',
      'endpoint 1: batchSize must be an integer 1–1000',
      'endpoint 1: timeoutMs must be an integer 100–600000',
      'endpoint 2: give exactly one of secret and secretFile',
      'endpoint 3: keyId zj-2025 is used by another endpoint',
      'endpoint 4: must be an object',
    ]);
    expect(found.join(' ')).not.toContain('short');
    expect(problems(JSON.stringify([base, base]))).toContain('endpoint 1: id zj is given twice');
    expect(problems(`[{"secret": "${SECRET}"`)).toEqual(['is not valid JSON']);
    expect(problems('{}')).toEqual(['must be a JSON array of endpoints']);
    const unreadable = problems(JSON.stringify([{ ...base, secret: undefined, secretFile: '/missing' }]), () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    });
    expect(unreadable).toEqual(['endpoint 0: secretFile cannot be read (ENOENT)']);
  });
});
