import { IntSetting, IsPort } from '@ajx/config';
import { WebhookTargetsConfig } from '@ajx/webhooks';

export class NotifierConfig extends WebhookTargetsConfig {
  @IsPort()
  AJX_NOTIFIER_PORT: number = 3004;

  /** How long a major hazard waits for an acknowledgement at one tier before it escalates to the next. */
  @IntSetting(100)
  AJX_ESCALATION_AFTER_MS: number = 24 * 60 * 60 * 1000;

  /** How often PostgreSQL is polled for due timers and deliveries (feed commits also wake the notifier at once). */
  @IntSetting(20, 60000)
  AJX_NOTIFIER_POLL_MS: number = 1000;

  /** Attempts of one webhook delivery before it is dead. */
  @IntSetting(1, 100)
  AJX_WEBHOOK_MAX_ATTEMPTS: number = 10;

  /** First retry delay; doubled per attempt (with jitter) up to the maximum. */
  @IntSetting(10)
  AJX_WEBHOOK_BACKOFF_BASE_MS: number = 2000;

  @IntSetting(10)
  AJX_WEBHOOK_BACKOFF_MAX_MS: number = 60 * 60 * 1000;

  /** A delivery attempt not answered within this time has failed. */
  @IntSetting(50, 120000)
  AJX_WEBHOOK_TIMEOUT_MS: number = 10000;

  /** Endpoints served in parallel by one notifier (each endpoint has at most one delivery in flight). */
  @IntSetting(1, 256)
  AJX_WEBHOOK_CONCURRENCY: number = 16;
}
