import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { InterchangeController } from './interchange.controller';
import { InterchangeService } from './interchange.service';

/** The hub's side of the interchange protocol served here: pulls, manifests on demand, reconciliation reports. */
@Module({
  imports: [AuditModule, InterchangeStoreModule],
  controllers: [InterchangeController],
  providers: [InterchangeService],
})
export class InterchangePullModule {}
