import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageBatch } from '@ajx/messaging';
import { NormalizerService } from './normalizer.service';

export const RAW_PATTERN = 'raw-records';

@Controller()
export class RawRecordsHandler {
  constructor(private readonly normalizer: NormalizerService) {}

  @EventPattern(RAW_PATTERN)
  handle(@Payload() batch: MessageBatch): Promise<void> {
    return this.normalizer.handle(batch);
  }
}
