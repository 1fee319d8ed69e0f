import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptReadModule, DeptStoreModule } from '@ajx/dept-store';
import { pgConnection } from '@ajx/persistence';
import { ServiceRuntimeModule } from '@ajx/platform';
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
        DeptStoreModule,
        // The notifier is trusted code: it reads every department's feed on the service connection.
        DeptReadModule.forRoot({ connection: 'service', wakeups: pgConnection(config) }),
      ],
      providers: [WebhookSender, WebhookDispatcher, EscalationScheduler],
    };
  }
}
