import { All, Controller, Next, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Roles } from '../auth/auth.decorators';
import { QueuesDashboardService } from './queues-dashboard.service';

/** Bull Board for operators only (bearer token or console session of an operator); HTML, not part of the API. */
@ApiExcludeController()
@Roles('operator')
@Controller('v1/admin/queues')
export class QueuesDashboardController {
  constructor(private readonly dashboard: QueuesDashboardService) {}

  @All(['', '*path'])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    this.dashboard.handle(req, res, next);
  }
}
