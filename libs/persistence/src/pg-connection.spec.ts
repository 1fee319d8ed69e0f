import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommonConfig, loadConfig } from '@ajx/config';
import { pgConnection, pgConnectionFor } from './pg-connection';

/** AJX_DATABASE_* settings → the options `pg` (and TypeORM) connect with; libpq's meaning of each sslmode. */
describe('pgConnection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-pg-tls-'));
  const pem = (name: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`);
    return f;
  };
  const ca = pem('ca.pem');
  const cert = pem('client.pem');
  const key = pem('client.key');
  const password = path.join(dir, 'password');
  fs.writeFileSync(password, 's3cret/with:chars@\nignored second line\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = (env: Record<string, string>) => loadConfig(CommonConfig, env);

  it('connects without TLS by default, the URL as given', () => {
    expect(pgConnection(config({ AJX_DATABASE_URL: 'postgres://ajx@db:5432/ajx' }))).toEqual({
      url: 'postgres://ajx@db:5432/ajx',
      ssl: false,
    });
  });

  it('takes the password from AJX_DATABASE_PASSWORD_FILE (first line, URL-encoded), replacing the URL’s', () => {
    const c = pgConnection(
      config({ AJX_DATABASE_URL: 'postgres://ajx:old@db:5432/ajx', AJX_DATABASE_PASSWORD_FILE: password }),
    );
    expect(decodeURIComponent(new URL(c.url).password)).toBe('s3cret/with:chars@');
    expect(new URL(c.url).username).toBe('ajx');
  });

  it('require: encrypted, the server not verified', () => {
    expect(pgConnection(config({ AJX_DATABASE_SSL_MODE: 'require' })).ssl).toEqual({ rejectUnauthorized: false });
  });

  it('verify-ca: the chain checked against the CA file, not the host name', () => {
    const ssl = pgConnection(config({ AJX_DATABASE_SSL_MODE: 'verify-ca', AJX_DATABASE_SSL_CA_FILE: ca })).ssl;
    expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: fs.readFileSync(ca, 'utf8') });
    expect(ssl && ssl.checkServerIdentity?.('db', {} as never)).toBeUndefined();
  });

  it('verify-full: chain and host name (node’s own check), with a client certificate when given', () => {
    const ssl = pgConnection(
      config({
        AJX_DATABASE_SSL_MODE: 'verify-full',
        AJX_DATABASE_SSL_CA_FILE: ca,
        AJX_DATABASE_SSL_CERT_FILE: cert,
        AJX_DATABASE_SSL_KEY_FILE: key,
      }),
    ).ssl;
    expect(ssl).toEqual({
      rejectUnauthorized: true,
      ca: fs.readFileSync(ca, 'utf8'),
      cert: fs.readFileSync(cert, 'utf8'),
      key: fs.readFileSync(key, 'utf8'),
    });
  });

  it('applies the same TLS to another role’s connection (the gateway’s ajx_api)', () => {
    const c = config({ AJX_DATABASE_SSL_MODE: 'verify-full', AJX_DATABASE_SSL_CA_FILE: ca });
    const api = pgConnectionFor(c, 'postgres://ajx_api@db/ajx', password, 'AJX_API_DATABASE_PASSWORD_FILE');
    expect(api.ssl).toEqual(pgConnection(c).ssl);
    expect(new URL(api.url).username).toBe('ajx_api');
  });

  it('refuses a bad mode, a certificate without its key, and names unreadable files', () => {
    expect(() => config({ AJX_DATABASE_SSL_MODE: 'prefer' })).toThrow('AJX_DATABASE_SSL_MODE must be');
    expect(() => config({ AJX_DATABASE_SSL_CERT_FILE: cert })).toThrow('AJX_DATABASE_SSL_KEY_FILE is required');
    expect(() =>
      pgConnection(config({ AJX_DATABASE_SSL_MODE: 'verify-full', AJX_DATABASE_SSL_CA_FILE: `${dir}/none.pem` })),
    ).toThrow(`AJX_DATABASE_SSL_CA_FILE ${dir}/none.pem cannot be read: ENOENT`);
    expect(() => pgConnection(config({ AJX_DATABASE_PASSWORD_FILE: `${dir}/none` }))).toThrow(
      'AJX_DATABASE_PASSWORD_FILE',
    );
  });
});
