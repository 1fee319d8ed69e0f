import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeliveryLogRepository } from '../database/delivery-log.repository';

const EVERY_MS = 60_000;

/** Forgets remembered signatures whose timestamp has left the window (they are refused by the clock check). */
@Injectable()
export class SignaturePruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SignaturePruner.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly repo: DeliveryLogRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.repo
        .pruneSignatures()
        .catch((err: unknown) => this.logger.warn(`pruning signatures failed: ${String(err)}`));
    }, EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
