import { ConfigValidationError, loadConfig } from '@ajx/config';
import { InterchangeConfig } from './interchange.config';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const endpoint = (o: Record<string, unknown> = {}) => ({
  id: 'zj',
  url: 'http://127.0.0.1:3090',
  province: '33',
  principal: 'province-zj',
  mode: 'scheduled',
  cron: '0 2 * * *',
  keyId: 'zj-2025',
  secret: SECRET,
  ...o,
});
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(InterchangeConfig, env);
  } catch (err) {
    return (err as ConfigValidationError).problems;
  }
  return [];
};

describe('interchange configuration', () => {
  it('reads the endpoints and the schedule', () => {
    const c = loadConfig(InterchangeConfig, {
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([endpoint()]),
      AJX_INTERCHANGE_MANIFEST_CRON: '0 30 1 * * *',
    });
    expect(c.endpoints()).toEqual([expect.objectContaining({ id: 'zj', cron: '0 2 * * *', mode: 'scheduled' })]);
    expect(c.endpoints()).toBe(c.endpoints());
    expect(loadConfig(InterchangeConfig, {}).endpoints()).toEqual([]);
  });

  it('refuses cron patterns BullMQ would refuse, too small a pool and bad endpoints, never echoing a secret', () => {
    const found = problems({
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([endpoint({ cron: '99 2 * * *' })]),
      AJX_INTERCHANGE_MANIFEST_CRON: 'daily',
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^AJX_INTERCHANGE_ENDPOINTS: AJX_INTERCHANGE_ENDPOINTS endpoint zj: cron is not a valid cron pattern \(/,
      ),
      'AJX_INTERCHANGE_MANIFEST_CRON: AJX_INTERCHANGE_MANIFEST_CRON must be a cron pattern of 5 or 6 fields',
    ]);
    const three = [1, 2, 3].map((i) => endpoint({ id: `e${i}`, keyId: `k${i}` }));
    expect(
      problems({ AJX_INTERCHANGE_ENDPOINTS: JSON.stringify(three), AJX_DATABASE_POOL_SIZE: '4' }).join(' '),
    ).toContain('AJX_DATABASE_POOL_SIZE must be at least the number of pushing endpoints + 2');
    const bad = problems({ AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([endpoint({ secret: 'too-short-secret' })]) });
    expect(bad.join(' ')).toContain('the secret must be at least 32 characters');
    expect(bad.join(' ')).not.toContain('too-short-secret');
  });
});
