import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageBatch } from '@ajx/messaging';
import { RouterService } from './router.service';

export const CANONICAL_PATTERN = 'canonical-events';
export const FINDINGS_PATTERN = 'findings';

@Controller()
export class CanonicalEventsHandler {
  constructor(private readonly router: RouterService) {}

  @EventPattern(CANONICAL_PATTERN)
  handle(@Payload() batch: MessageBatch): Promise<void> {
    return this.router.handle(batch);
  }

  @EventPattern(FINDINGS_PATTERN)
  handleFindings(@Payload() batch: MessageBatch): Promise<void> {
    return this.router.handleFindings(batch);
  }
}
