import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { InterchangeStatusController } from './interchange-status.controller';
import { InterchangeStatusService } from './interchange-status.service';
import { InterchangeController } from './interchange.controller';
import { InterchangeService } from './interchange.service';

/**
 * The hub's side of the interchange protocol served here: pulls, manifests on demand, reconciliation reports; and
 * operators' interchange status.
 */
@Module({
  imports: [AuditModule, InterchangeStoreModule],
  controllers: [InterchangeController, InterchangeStatusController],
  providers: [InterchangeService, InterchangeStatusService],
})
export class InterchangePullModule {}
