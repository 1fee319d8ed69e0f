import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommonConfig, loadConfig } from '@ajx/config';
import { redisConnectionOptions } from './redis.module';

/** AJX_REDIS_* settings → ioredis options (the app's client and BullMQ's connections). */
describe('redisConnectionOptions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-redis-tls-'));
  const pem = (name: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`);
    return f;
  };
  const [ca, cert, key] = [pem('ca.pem'), pem('client.pem'), pem('client.key')];
  const password = path.join(dir, 'password');
  fs.writeFileSync(password, 'redis-secret\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = (env: Record<string, string>) => redisConnectionOptions(loadConfig(CommonConfig, env));

  it('redis:// is plain; the password file replaces the URL’s password', () => {
    const o = options({ AJX_REDIS_URL: 'redis://:old@cache:6380/2', AJX_REDIS_PASSWORD_FILE: password });
    expect(o).toMatchObject({ host: 'cache', port: 6380, db: 2, password: 'redis-secret', tls: undefined });
  });

  it('rediss:// is TLS with the host name checked; CA and client certificate from their files', () => {
    const o = options({
      AJX_REDIS_URL: 'rediss://cache.internal:6380',
      AJX_REDIS_TLS_CA_FILE: ca,
      AJX_REDIS_TLS_CERT_FILE: cert,
      AJX_REDIS_TLS_KEY_FILE: key,
    });
    expect(o.tls).toEqual({
      servername: 'cache.internal',
      ca: fs.readFileSync(ca, 'utf8'),
      cert: fs.readFileSync(cert, 'utf8'),
      key: fs.readFileSync(key, 'utf8'),
    });
    expect(o.tls).not.toHaveProperty('rejectUnauthorized');
  });

  it('refuses TLS files with a plain URL (they would be ignored)', () => {
    expect(() => options({ AJX_REDIS_URL: 'redis://cache:6379', AJX_REDIS_TLS_CA_FILE: ca })).toThrow(
      'AJX_REDIS_TLS_* files are set but AJX_REDIS_URL is not a rediss:// URL',
    );
  });
});
