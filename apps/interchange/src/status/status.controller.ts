import { Controller, Get, UseGuards } from '@nestjs/common';
import { LoopbackOnlyGuard } from '@ajx/platform';
import { StatusService } from './status.service';

/**
 * Operators' view of the interchange (no secrets): per endpoint its state in PostgreSQL and this instance's role.
 * It names the provincial endpoints and their health, so it answers clients on this machine only.
 */
@Controller('interchange')
@UseGuards(LoopbackOnlyGuard)
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get('status')
  get() {
    return this.status.get();
  }
}
