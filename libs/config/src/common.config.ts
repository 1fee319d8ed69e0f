import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches, ValidateIf } from 'class-validator';
import { IntSetting, IsPort } from './settings';

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** Settings every AJX process shares. Apps extend this class with their own. */
export class CommonConfig {
  /**
   * `production` turns on what a deployment facing other organisations needs and a laptop does not: webhooks only to
   * https URLs (docs/operations.md, "TLS"). `development` (the default) is the demo's and the tests'.
   */
  @IsIn(['development', 'production'], { message: 'AJX_MODE must be development or production' })
  AJX_MODE: 'development' | 'production' = 'development';

  /** Comma-separated host:port list of Kafka bootstrap brokers. */
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'AJX_KAFKA_BROKERS must be host:port[,host:port…]' })
  AJX_KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** Consumer group session timeout: how long a dead member holds its partitions before they move. */
  @IntSetting(6000, 300000)
  AJX_KAFKA_SESSION_TIMEOUT_MS: number = 30000;

  /**
   * Consumers' fetches: the broker answers once this many bytes are ready for the member, or after
   * AJX_KAFKA_FETCH_MAX_WAIT_MS. 1 answers with whatever is there; more makes larger slices (fewer transactions per
   * record) when traffic is moderate, at the price of up to the wait per hop when it is light.
   */
  @IntSetting(1, 16_777_216)
  AJX_KAFKA_FETCH_MIN_BYTES: number = 1;

  @IntSetting(10, 5000)
  AJX_KAFKA_FETCH_MAX_WAIT_MS: number = 100;

  /**
   * SASL mechanism of every Kafka client of the process (empty: the unauthenticated listener, local only). With it,
   * AJX_KAFKA_USERNAME and AJX_KAFKA_PASSWORD or AJX_KAFKA_PASSWORD_FILE are required.
   */
  @IsIn(['', 'scram-sha-512', 'scram-sha-256', 'plain'], {
    message: 'AJX_KAFKA_SASL_MECHANISM must be scram-sha-512, scram-sha-256 or plain (or empty for none)',
  })
  AJX_KAFKA_SASL_MECHANISM: '' | 'scram-sha-512' | 'scram-sha-256' | 'plain' = '';

  @ValidateIf((c: CommonConfig) => c.AJX_KAFKA_SASL_MECHANISM !== '')
  @Matches(/^[A-Za-z0-9._@-]+$/, {
    message: 'AJX_KAFKA_USERNAME is required with a SASL mechanism (letters, digits, . _ @ -)',
  })
  AJX_KAFKA_USERNAME = '';

  /** The Kafka password itself; prefer AJX_KAFKA_PASSWORD_FILE (a 0600 file written by `ajx kafka provision`). */
  @ValidateIf((c: CommonConfig) => c.AJX_KAFKA_SASL_MECHANISM !== '' && c.AJX_KAFKA_PASSWORD_FILE === '')
  @IsNotEmpty({ message: 'AJX_KAFKA_PASSWORD or AJX_KAFKA_PASSWORD_FILE is required with a SASL mechanism' })
  AJX_KAFKA_PASSWORD = '';

  /** A file holding the Kafka password (first line; or a JSON file of `ajx kafka provision` with the user's entry). */
  AJX_KAFKA_PASSWORD_FILE = '';

  /**
   * `true`: every Kafka client of the process connects with TLS (SSL, or SASL_SSL with a mechanism), verifying the
   * broker's certificate and host name against AJX_KAFKA_SSL_CA_FILE (the system's CAs without it).
   */
  @IsIn(['true', 'false'], { message: 'AJX_KAFKA_SSL must be true or false' })
  AJX_KAFKA_SSL: 'true' | 'false' = 'false';

  /** PEM file of the CA(s) that signed the brokers' certificates. */
  @IsString()
  AJX_KAFKA_SSL_CA_FILE = '';

  /** mTLS: the client's certificate (PEM) and key (PEM, unencrypted), both or neither. */
  @ValidateIf((c: CommonConfig) => c.AJX_KAFKA_SSL_KEY_FILE !== '')
  @IsNotEmpty({ message: 'AJX_KAFKA_SSL_CERT_FILE is required with AJX_KAFKA_SSL_KEY_FILE' })
  AJX_KAFKA_SSL_CERT_FILE = '';

  @ValidateIf((c: CommonConfig) => c.AJX_KAFKA_SSL_CERT_FILE !== '')
  @IsNotEmpty({ message: 'AJX_KAFKA_SSL_KEY_FILE is required with AJX_KAFKA_SSL_CERT_FILE' })
  AJX_KAFKA_SSL_KEY_FILE = '';

  /** Prepended to every topic name (tests and shared clusters use it to keep runs apart). */
  @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'AJX_TOPIC_PREFIX may hold letters, digits, ".", "_" and "-" only' })
  AJX_TOPIC_PREFIX = '';

  /** PostgreSQL connection of the service role (owner of the hub's tables). */
  @Matches(/^postgres(ql)?:\/\//, { message: 'AJX_DATABASE_URL must be a postgres:// URL' })
  AJX_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ajx';

  /**
   * A file holding the password of AJX_DATABASE_URL's user (first line; a Docker/Kubernetes secret); it replaces any
   * password in the URL, so the URL itself can be kept in plain configuration.
   */
  @IsString()
  AJX_DATABASE_PASSWORD_FILE = '';

  /**
   * TLS to PostgreSQL, as libpq's sslmode: `disable` (default), `require` (encrypted, the server not verified),
   * `verify-ca` (its certificate chains to AJX_DATABASE_SSL_CA_FILE), `verify-full` (and names the host connected to).
   * Applies to every connection of the process (the gateway's `ajx_api` pool too).
   */
  @IsIn(['disable', 'require', 'verify-ca', 'verify-full'], {
    message: 'AJX_DATABASE_SSL_MODE must be disable, require, verify-ca or verify-full',
  })
  AJX_DATABASE_SSL_MODE: 'disable' | 'require' | 'verify-ca' | 'verify-full' = 'disable';

  /** PEM file of the CA(s) of the server's certificate (verify-ca, verify-full; the system's CAs without it). */
  @IsString()
  AJX_DATABASE_SSL_CA_FILE = '';

  /** Client certificate and key (PEM) when the server asks for one (`clientcert` in pg_hba.conf). */
  @ValidateIf((c: CommonConfig) => c.AJX_DATABASE_SSL_KEY_FILE !== '')
  @IsNotEmpty({ message: 'AJX_DATABASE_SSL_CERT_FILE is required with AJX_DATABASE_SSL_KEY_FILE' })
  AJX_DATABASE_SSL_CERT_FILE = '';

  @ValidateIf((c: CommonConfig) => c.AJX_DATABASE_SSL_CERT_FILE !== '')
  @IsNotEmpty({ message: 'AJX_DATABASE_SSL_KEY_FILE is required with AJX_DATABASE_SSL_CERT_FILE' })
  AJX_DATABASE_SSL_KEY_FILE = '';

  @IntSetting(1, 200)
  AJX_DATABASE_POOL_SIZE: number = 10;

  /** `rediss://` connects with TLS (the server's certificate and host name verified). */
  @Matches(/^rediss?:\/\//, { message: 'AJX_REDIS_URL must be a redis:// or rediss:// URL' })
  AJX_REDIS_URL = 'redis://127.0.0.1:6379';

  /** With `rediss://`: PEM file of the CA(s) of the Redis server's certificate (the system's CAs without it). */
  @IsString()
  AJX_REDIS_TLS_CA_FILE = '';

  /** With `rediss://`: client certificate and key (PEM) when the server requires them (`tls-auth-clients yes`). */
  @ValidateIf((c: CommonConfig) => c.AJX_REDIS_TLS_KEY_FILE !== '')
  @IsNotEmpty({ message: 'AJX_REDIS_TLS_CERT_FILE is required with AJX_REDIS_TLS_KEY_FILE' })
  AJX_REDIS_TLS_CERT_FILE = '';

  @ValidateIf((c: CommonConfig) => c.AJX_REDIS_TLS_CERT_FILE !== '')
  @IsNotEmpty({ message: 'AJX_REDIS_TLS_KEY_FILE is required with AJX_REDIS_TLS_CERT_FILE' })
  AJX_REDIS_TLS_KEY_FILE = '';

  /** A file holding the Redis password (`requirepass` or the ACL user's); it replaces any password in the URL. */
  @IsString()
  AJX_REDIS_PASSWORD_FILE = '';

  /** Prefix of every Redis key and BullMQ queue of this deployment. */
  @Matches(/^[a-zA-Z0-9:_-]+$/, { message: 'AJX_REDIS_PREFIX may hold letters, digits, ":", "_" and "-" only' })
  AJX_REDIS_PREFIX = 'ajx';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  AJX_LOG_LEVEL = 'info';

  @IsString()
  @IsNotEmpty()
  AJX_HTTP_HOST = '127.0.0.1';

  /**
   * 0: `/metrics` is served on the service's own HTTP port. Otherwise Prometheus metrics are served only on this
   * port (on AJX_METRICS_HOST), apart from the API — e.g. a port only the monitoring network reaches.
   */
  @IsPort()
  AJX_METRICS_PORT: number = 0;

  /** Bind address of the separate metrics listener (AJX_METRICS_PORT); loopback unless monitoring needs more. */
  @IsString()
  @IsNotEmpty()
  AJX_METRICS_HOST = '127.0.0.1';
}
