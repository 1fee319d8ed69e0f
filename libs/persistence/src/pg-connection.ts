import type { PeerCertificate } from 'node:tls';
import { type CommonConfig, readPemFile, urlWithPasswordFile } from '@ajx/config';

/** The TLS options given to `pg` (and through TypeORM): a subset of node's `tls.connect` options both accept. */
export interface PgTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  /** Replaced by a no-op for `verify-ca` (the chain is checked, the host name is not). */
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/** What a `pg` client or pool needs to connect: the URL (with the password from its file) and the TLS options. */
export interface PgConnection {
  url: string;
  /** `false`: no TLS. Otherwise node `tls.connect` options (see `pgTlsOptions`). */
  ssl: false | PgTls;
}

/** The service's own connection (AJX_DATABASE_URL, AJX_DATABASE_PASSWORD_FILE). */
export function pgConnection(config: CommonConfig): PgConnection {
  return pgConnectionFor(
    config,
    config.AJX_DATABASE_URL,
    config.AJX_DATABASE_PASSWORD_FILE,
    'AJX_DATABASE_PASSWORD_FILE',
  );
}

/** Another role's connection to the same server (e.g. the gateway's `ajx_api`), with the same TLS settings. */
export function pgConnectionFor(
  config: CommonConfig,
  url: string,
  passwordFile: string,
  passwordVariable: string,
): PgConnection {
  return { url: urlWithPasswordFile(passwordVariable, url, passwordFile), ssl: pgTlsOptions(config) };
}

/**
 * AJX_DATABASE_SSL_MODE and its files as `pg`'s TLS options, with libpq's meaning of each mode: `require` encrypts
 * without verifying; `verify-ca` verifies the chain only; `verify-full` the chain and that the certificate names the
 * host of the URL (node's default check).
 */
export function pgTlsOptions(config: CommonConfig): false | PgTls {
  const mode = config.AJX_DATABASE_SSL_MODE;
  if (mode === 'disable') return false;
  const files: Pick<PgTls, 'ca' | 'cert' | 'key'> = {};
  if (config.AJX_DATABASE_SSL_CA_FILE)
    files.ca = readPemFile('AJX_DATABASE_SSL_CA_FILE', config.AJX_DATABASE_SSL_CA_FILE);
  if (config.AJX_DATABASE_SSL_CERT_FILE) {
    files.cert = readPemFile('AJX_DATABASE_SSL_CERT_FILE', config.AJX_DATABASE_SSL_CERT_FILE);
    files.key = readPemFile('AJX_DATABASE_SSL_KEY_FILE', config.AJX_DATABASE_SSL_KEY_FILE);
  }
  if (mode === 'require') return { ...files, rejectUnauthorized: false };
  if (mode === 'verify-ca') return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ...files, rejectUnauthorized: true };
}

/** Options of a single `pg.Client` (tools, LISTEN connections). */
export function pgClientOptions(c: PgConnection, applicationName?: string) {
  return { connectionString: c.url, ssl: c.ssl, ...(applicationName ? { application_name: applicationName } : {}) };
}
