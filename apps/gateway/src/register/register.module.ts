import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { RegisterController } from './register.controller';
import { RegisterService } from './register.service';

/** The must-insure register (应保企业名录): submissions by the province and departments, reads by scope. */
@Module({
  imports: [AuditModule, InterchangeStoreModule],
  controllers: [RegisterController],
  providers: [RegisterService],
})
export class RegisterModule {}
