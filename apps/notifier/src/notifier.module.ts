import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptFeedRepository, FeedWakeups, HazardEscalationRepository, WebhookOutboxRepository } from '@ajx/dept-store';
import { pgConnection } from '@ajx/persistence';
import { ServiceRuntimeModule } from '@ajx/platform';
import { DataSource } from 'typeorm';
import { EscalationScheduler } from './escalation.scheduler';
import { NotifierConfig } from './notifier.config';
import { WebhookDispatcher } from './webhook.dispatcher';
import { WebhookSender } from './webhook.sender';

@Module({})
export class NotifierModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return {
      module: NotifierModule,
      imports: [
        // PostgreSQL only: timers and the webhook outbox live there, so Redis cannot lose or delay them.
        ServiceRuntimeModule.forService({ name: 'notifier', schema: NotifierConfig, config, uses: { postgres: true } }),
        AuditModule,
      ],
      providers: [
        {
          provide: HazardEscalationRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new HazardEscalationRepository(db),
        },
        {
          provide: WebhookOutboxRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new WebhookOutboxRepository(db),
        },
        {
          provide: DeptFeedRepository,
          inject: [DataSource],
          useFactory: (db: DataSource) => new DeptFeedRepository(db),
        },
        {
          provide: FeedWakeups,
          inject: [NotifierConfig],
          useFactory: async (c: NotifierConfig) => {
            const logger = new Logger(FeedWakeups.name);
            const w = new FeedWakeups(pgConnection(c), (m) => logger.warn(m));
            await w.start();
            return w;
          },
        },
        WebhookSender,
        WebhookDispatcher,
        EscalationScheduler,
      ],
    };
  }
}
