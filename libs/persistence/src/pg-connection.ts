import type { PeerCertificate } from 'node:tls';
import { type CommonConfig, urlWithPasswordFile } from '@ajx/config';

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
  return { url: urlWithPasswordFile(passwordVariable, url, passwordFile), ssl: false };
}

/** Options of a single `pg.Client` (tools, LISTEN connections). */
export function pgClientOptions(c: PgConnection, applicationName?: string) {
  return { connectionString: c.url, ssl: c.ssl, ...(applicationName ? { application_name: applicationName } : {}) };
}
