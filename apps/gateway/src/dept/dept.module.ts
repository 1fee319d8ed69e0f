import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptStoreModule } from '@ajx/dept-store';
import { DeptWebhookService } from './dept-webhook.service';
import { DeptController } from './dept.controller';
import { DeptService } from './dept.service';
import { FeedStreamService } from './feed-stream.service';
import { FeedController } from './feed.controller';
import { FeedService } from './feed.service';
import { UrgentAckService } from './urgent-ack.service';
import { WebhookSecretSealingService } from './webhook-secret-sealing.service';

/**
 * The department API: views, feed (pages and server-sent events), webhook settings and acknowledgements of the
 * urgent lane (major hazards, urgent accidents).
 * Reads go through the row-level-secured repositories of DeptReadModule (registered by the app on role ajx_api).
 */
@Module({
  imports: [AuditModule, DeptStoreModule],
  // FeedController before DeptController: its fixed paths (feed, webhook) must win over `:collection`.
  controllers: [FeedController, DeptController],
  providers: [
    DeptService,
    FeedService,
    FeedStreamService,
    DeptWebhookService,
    UrgentAckService,
    WebhookSecretSealingService,
  ],
})
export class DeptModule {}
