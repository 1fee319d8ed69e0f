import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { WebhookOutboxRepository } from '@ajx/dept-store';
import { GatewayConfig } from '../gateway.config';

/**
 * Loads the webhook key file at start-up (a missing or broken file stops the gateway, as a missing audit key does)
 * and seals the secrets still stored in plain text by a release before secrets were sealed (ADR 0009).
 */
@Injectable()
export class WebhookSecretSealingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookSecretSealingService.name);

  constructor(
    private readonly outbox: WebhookOutboxRepository,
    private readonly config: GatewayConfig,
  ) {
    config.webhookKeys();
  }

  async onApplicationBootstrap(): Promise<void> {
    const keys = this.config.webhookKeys();
    const sealed = await this.outbox.resealSecrets(
      (departmentId, stored) =>
        keys.seal(departmentId, 'plain' in stored ? stored.plain : keys.open(departmentId, stored)),
      { onlyPlain: true },
    );
    if (sealed > 0) this.logger.log(`sealed ${sealed} webhook secret(s) stored in plain text`);
  }
}
