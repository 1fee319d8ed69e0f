import { Controller, Get } from '@nestjs/common';
import { StatusService } from './status.service';

/** Operators' view of the interchange (no secrets): per endpoint its state in PostgreSQL and this instance's role. */
@Controller('interchange')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get('status')
  get() {
    return this.status.get();
  }
}
