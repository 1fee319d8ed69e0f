import { All, Controller, Next, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Roles } from '../auth/auth.decorators';
import { QUEUES_DASHBOARD_PATH, QueuesDashboardService } from './queues-dashboard.service';

/** Bull Board for operators only (bearer token or console session of an operator); HTML, not part of the API. */
@ApiExcludeController()
@Roles('operator')
@Controller(QUEUES_DASHBOARD_PATH.slice(1))
export class QueuesDashboardController {
  constructor(private readonly dashboard: QueuesDashboardService) {}

  @All(['', '*path'])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    // The board's router is written to be mounted with app.use(path): it matches on the path below the mount point.
    const original = req.url;
    const below = original.slice(QUEUES_DASHBOARD_PATH.length);
    req.url = below.startsWith('/') ? below : `/${below}`;
    req.baseUrl = QUEUES_DASHBOARD_PATH;
    this.dashboard.router()(req, res, (err?: unknown) => {
      req.url = original;
      next(err);
    });
  }
}
