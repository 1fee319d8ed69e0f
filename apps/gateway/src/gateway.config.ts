import fs from 'node:fs';
import { configuredRulePack, deploymentRulePack, type RulePack } from '@ajx/authz';
import { IntSetting, IsInterchangeSender, IsPort, IsRulePackFile, IsRulePackSpec } from '@ajx/config';
import { pgConnectionFor, type PgConnection } from '@ajx/persistence';
import { WebhookTargetsConfig } from '@ajx/webhooks';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, Validate } from 'class-validator';
import { InterchangeEndpointsConstraint, configuredEndpoints, type InterchangeEndpoint } from '@ajx/interchange-store';

const readText = (file: string) => fs.readFileSync(file, 'utf8');

const PROXY_ITEM = String.raw`(?:loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(?:\/\d{1,3})?)`;
const TRUST_PROXY = new RegExp(String.raw`^(?:|false|\d{1,2}|${PROXY_ITEM}(?:\s*,\s*${PROXY_ITEM})*)$`);

/** AJX_TRUST_PROXY as Express's `trust proxy` value. */
export function trustProxySetting(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim());
}

export class GatewayConfig extends WebhookTargetsConfig {
  @IsPort()
  AJX_GATEWAY_PORT: number = 3000;

  /** Where uploaded files are kept (shared storage when several gateways run). */
  @IsString()
  @IsNotEmpty()
  AJX_UPLOAD_DIR = 'var/uploads';

  /** Largest file of a resumable upload session (`/v1/ingest/{insurer}/uploads`), bytes. */
  @IntSetting(1024)
  AJX_UPLOAD_SESSION_MAX_BYTES: number = 16 * 1024 * 1024 * 1024;

  /** Largest chunk of an upload session (one PUT), bytes. */
  @IntSetting(1024, 1024 * 1024 * 1024)
  AJX_UPLOAD_CHUNK_MAX_BYTES: number = 64 * 1024 * 1024;

  /** How long an unfinished upload session may be resumed. */
  @IntSetting(1, 24 * 30)
  AJX_UPLOAD_SESSION_TTL_HOURS: number = 24;

  /** How often a gateway removes the stored bytes of expired, unfinished upload sessions. */
  @IntSetting(100, 24 * 60 * 60 * 1000)
  AJX_UPLOAD_SESSION_CLEANUP_MS: number = 10 * 60 * 1000;

  /** Largest accepted upload body, bytes. */
  @IntSetting(1024)
  AJX_INGEST_MAX_BYTES: number = 512 * 1024 * 1024;

  /** Largest accepted single record (its raw JSON form), bytes. */
  @IntSetting(256)
  AJX_INGEST_MAX_RECORD_BYTES: number = 256 * 1024;

  /**
   * A request (headers and body) must arrive within this time; a slow upload is cut off (slowloris protection).
   * Large files need a fast enough link or chunked uploads.
   */
  @IntSetting(1000)
  AJX_HTTP_REQUEST_TIMEOUT_MS: number = 300_000;

  /**
   * An upload's body must arrive within this time once its reading starts, or the request is answered
   * 408 UPLOAD_TIMEOUT (a client trickling bytes holds no upload slot longer). The smaller of this and
   * AJX_HTTP_REQUEST_TIMEOUT_MS wins.
   */
  @IntSetting(1000)
  AJX_INGEST_BODY_TIMEOUT_MS: number = 120_000;

  /**
   * Uploads one insurer may have in flight across all gateway instances (429 UPLOADS_IN_FLIGHT beyond): leases in
   * Redis, renewed while an upload runs.
   */
  @IntSetting(1, 1000)
  AJX_INGEST_UPLOADS_PER_INSURER: number = 4;

  /** How long an upload's slot outlives a gateway that died holding it (the lease is renewed every third of it). */
  @IntSetting(1000, 600_000)
  AJX_INGEST_UPLOAD_LEASE_MS: number = 30_000;

  /** Accepted uploads published to Kafka at the same time (per gateway instance). */
  @IntSetting(1, 32)
  AJX_PUBLISH_CONCURRENCY: number = 4;

  /** Requests per second each principal may make on average … */
  @IntSetting(1)
  AJX_RATE_LIMIT_PER_SECOND: number = 20;

  /** … and in a burst. */
  @IntSetting(1)
  AJX_RATE_LIMIT_BURST: number = 40;

  /** Ed25519 private key (PEM) that signs the audit chain; kept outside the database. */
  @IsString()
  @IsNotEmpty({ message: 'AJX_AUDIT_KEY_FILE is required (create one with: ajx audit keygen --out <file>)' })
  AJX_AUDIT_KEY_FILE = '';

  /** Where the signed head of the audit chain is written after each seal (outside the database). */
  @IsOptional()
  @IsString()
  AJX_AUDIT_ANCHOR_FILE = '';

  @IntSetting(100)
  AJX_AUDIT_SEAL_INTERVAL_MS: number = 2000;

  /**
   * Connection of the department API: role `ajx_api` (neither superuser nor owner, so row-level security
   * applies). Empty: AJX_DATABASE_URL with the user replaced by ajx_api (and no password).
   */
  @IsOptional()
  @Matches(/^(postgres(ql)?:\/\/.*)?$/, { message: 'AJX_API_DATABASE_URL must be a postgres:// URL' })
  AJX_API_DATABASE_URL = '';

  /** A file holding `ajx_api`'s password (first line); `ajx db migrate` sets the role's password from the same file. */
  @IsOptional()
  @IsString()
  AJX_API_DATABASE_PASSWORD_FILE = '';

  /** The deployment's rule pack (departments are validated against its kinds). */
  @IsRulePackSpec()
  AJX_RULE_PACK = 'default@2';

  /**
   * A custom rule pack (JSON, `libs/authz/rule-packs/rule-pack.schema.json`) instead of the built-in AJX_RULE_PACK;
   * validated at start-up (schema and semantic rules), every problem named. The gateway, the router and the
   * supervisor must be given the same pack.
   */
  @IsRulePackFile((file) => deploymentRulePack('default@1', file, readText))
  AJX_RULE_PACK_FILE = '';

  /** The deployment's rule pack (read once). */
  rulePack(): RulePack {
    return configuredRulePack(this, readText);
  }

  /** Department feed streams (SSE): how often a stream polls when no commit woke it. */
  @IntSetting(50, 60000)
  AJX_FEED_STREAM_POLL_MS: number = 2000;

  /** A comment line is sent this often on an idle stream (keeps proxies from closing it). */
  @IntSetting(100, 300000)
  AJX_FEED_STREAM_HEARTBEAT_MS: number = 15000;

  /** Open streams one department may have on one gateway instance (429 beyond). */
  @IntSetting(1, 1000)
  AJX_FEED_STREAMS_PER_DEPARTMENT: number = 4;

  /** This hub deployment's name in the interchange protocol (`sender` of pull pages and manifests). */
  @IsInterchangeSender()
  AJX_INTERCHANGE_SENDER = 'ajx-hub';

  /**
   * The provincial systems (the interchange service's list): the gateway authenticates a province's signed pulls and
   * reconciliation reports with the endpoint keys, each standing for the endpoint's province principal.
   */
  @Validate(InterchangeEndpointsConstraint)
  AJX_INTERCHANGE_ENDPOINTS = '[]';

  /** Signature timestamp window of the interchange routes, seconds. */
  @IntSetting(1, 3600)
  AJX_INTERCHANGE_TOLERANCE_S: number = 300;

  /** How many reconciliation re-sends of one day a province may ask for per endpoint. */
  @IntSetting(1, 1000)
  AJX_INTERCHANGE_MAX_RESENDS_PER_DAY: number = 5;

  /**
   * How far back (Beijing days before yesterday) a province's reconciliation report may reach; a report asks for a
   * re-send of the whole day, so an unbounded date would let a province replay years of events.
   */
  @IntSetting(1, 3660)
  AJX_INTERCHANGE_RECONCILIATION_MAX_AGE_DAYS: number = 90;

  /**
   * Who may read `/metrics` on the gateway's own port: `operator` (an operator's bearer token; the default — the
   * gateway faces insurers and departments) or `public`. With AJX_METRICS_PORT the metrics leave the API port.
   */
  @IsIn(['operator', 'public'], { message: 'AJX_METRICS_ACCESS must be operator or public' })
  AJX_METRICS_ACCESS: 'operator' | 'public' = 'operator';

  /** Failed authentications an address may make per second (after the burst) before it is answered 429. */
  @IntSetting(1, 100_000)
  AJX_AUTH_FAILURES_PER_SECOND: number = 2;

  /** Failed authentications an address may make at once before the per-second rate applies. */
  @IntSetting(1, 1_000_000)
  AJX_AUTH_FAILURES_BURST: number = 20;

  /**
   * Failed authentications refused while their address is throttled are summed up in one audit entry per address
   * per this window (ms), instead of one entry each.
   */
  @IntSetting(100, 3_600_000)
  AJX_AUTH_THROTTLE_SUMMARY_MS: number = 60_000;

  /**
   * Which peers are trusted reverse proxies (Express `trust proxy`): empty or `false` — none, the client is the TCP
   * peer; a number — that many proxies in front; or a comma-separated list of addresses, CIDR subnets and the names
   * `loopback`, `linklocal`, `uniquelocal`. The client address found through them is what the failed-authentication
   * throttle and the audit log see. `true` (trust any peer) is refused: a client could then choose its own address.
   */
  @Matches(TRUST_PROXY, {
    message:
      'AJX_TRUST_PROXY must be empty, false, a number of proxies, or a comma-separated list of addresses, subnets, loopback, linklocal, uniquelocal (not true)',
  })
  AJX_TRUST_PROXY = '';

  /** Serve the OpenAPI document and its UI at /docs and /docs-json (public routes). */
  @IsIn(['true', 'false'], { message: 'AJX_OPENAPI_DOCS must be true or false' })
  AJX_OPENAPI_DOCS: 'true' | 'false' = 'true';

  /** The console's built files (`npm run build` writes them to dist/console), served under /console. */
  @IsString()
  @IsNotEmpty()
  AJX_CONSOLE_DIR = 'dist/console';

  /** A console session ends after this many minutes without a request (the session is kept in Redis). */
  @IntSetting(1, 1440)
  AJX_CONSOLE_SESSION_IDLE_MINUTES: number = 30;

  /** A console session ends this many hours after its sign-in, however active. */
  @IntSetting(1, 168)
  AJX_CONSOLE_SESSION_MAX_HOURS: number = 12;

  /** Consecutive wrong passwords that lock a console account … */
  @IntSetting(1, 100)
  AJX_CONSOLE_LOCKOUT_ATTEMPTS: number = 5;

  /** … for this many minutes. */
  @IntSetting(1, 1440)
  AJX_CONSOLE_LOCKOUT_MINUTES: number = 15;

  /** Largest accepted must-insure register submission, bytes. */
  @IntSetting(1024)
  AJX_REGISTER_MAX_BYTES: number = 256 * 1024 * 1024;

  interchangeEndpoints(): InterchangeEndpoint[] {
    return configuredEndpoints(this);
  }

  /** The department API's connection: its URL with `ajx_api`'s password from its file, and the service's TLS settings. */
  apiConnection(): PgConnection {
    return pgConnectionFor(
      this,
      this.apiDatabaseUrl(),
      this.AJX_API_DATABASE_PASSWORD_FILE,
      'AJX_API_DATABASE_PASSWORD_FILE',
    );
  }

  apiDatabaseUrl(): string {
    if (this.AJX_API_DATABASE_URL) return this.AJX_API_DATABASE_URL;
    const u = new URL(this.AJX_DATABASE_URL);
    u.username = 'ajx_api';
    u.password = '';
    return u.toString();
  }
}
