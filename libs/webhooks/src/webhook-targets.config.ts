import { rootCertificates } from 'node:tls';
import { CommonConfig, readPemFile } from '@ajx/config';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches } from 'class-validator';
import { WebhookKeyFile } from './webhook-secret-keyring';
import type { WebhookUrlPolicy } from './webhook-url.policy';

const toLowerCaseList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : value;

const webhookCas = new WeakMap<WebhookTargetsConfig, string[]>();
const webhookKeys = new WeakMap<WebhookTargetsConfig, WebhookKeyFile>();

/**
 * Where webhooks may go: the gateway checks a department's URL when it is configured, the notifier again before
 * every delivery (DNS may have changed), so both processes read the same settings.
 */
export class WebhookTargetsConfig extends CommonConfig {
  /** `true` allows webhook URLs on loopback and private networks (tests, the demo, closed networks). */
  @IsIn(['true', 'false'])
  AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'false';

  /** If set, webhooks may only go to these hosts (comma-separated names or `*.suffix`). */
  @Transform(toLowerCaseList)
  @IsString({ each: true })
  @Matches(/^(\*\.)?[a-z0-9.-]+$/, { each: true, message: 'AJX_WEBHOOK_ALLOWED_HOSTS: host names or *.suffix' })
  AJX_WEBHOOK_ALLOWED_HOSTS: string[] = [];

  /**
   * PEM file of CAs trusted for https webhook endpoints besides the system's (departments on a government network
   * with a private CA). Certificates and host names are always verified.
   */
  @IsString()
  AJX_WEBHOOK_CA_FILE = '';

  /**
   * The key file that seals webhook secrets at rest (AES-256-GCM, ADR 0009), kept outside the database like the
   * audit key: the gateway seals a department's secret with its current key, the notifier opens it to sign.
   */
  @IsString()
  @IsNotEmpty({ message: 'AJX_WEBHOOK_KEY_FILE is required (create one with: ajx keys generate --out <file>)' })
  AJX_WEBHOOK_KEY_FILE = '';

  webhookPolicy(): WebhookUrlPolicy {
    return {
      allowPrivateNetworks: this.AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
      allowedHosts: this.AJX_WEBHOOK_ALLOWED_HOSTS,
      httpsOnly: this.AJX_MODE === 'production',
    };
  }

  /** The webhook secret keys (read once, then again whenever the file changes: `ajx keys rotate`). */
  webhookKeys(): WebhookKeyFile {
    let keys = webhookKeys.get(this);
    if (!keys) webhookKeys.set(this, (keys = new WebhookKeyFile(this.AJX_WEBHOOK_KEY_FILE)));
    return keys;
  }

  /** The CAs https deliveries trust: node's roots plus AJX_WEBHOOK_CA_FILE (read once), or undefined for the roots. */
  webhookCa(): string[] | undefined {
    if (!this.AJX_WEBHOOK_CA_FILE) return undefined;
    let ca = webhookCas.get(this);
    if (!ca)
      webhookCas.set(this, (ca = [...rootCertificates, readPemFile('AJX_WEBHOOK_CA_FILE', this.AJX_WEBHOOK_CA_FILE)]));
    return ca;
  }
}
