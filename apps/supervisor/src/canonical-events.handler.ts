import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageBatch } from '@ajx/messaging';
import { SupervisionService } from './supervision.service';

export const CANONICAL_PATTERN = 'canonical-events';

@Controller()
export class CanonicalEventsHandler {
  constructor(private readonly supervision: SupervisionService) {}

  @EventPattern(CANONICAL_PATTERN)
  handle(@Payload() batch: MessageBatch): Promise<void> {
    return this.supervision.handle(batch);
  }
}
