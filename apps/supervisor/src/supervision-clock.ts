import { Injectable } from '@nestjs/common';
import { SupervisorConfig } from './supervisor.config';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The date the rules are evaluated on: today in Beijing, unless the configuration fixes one (tests, replays). */
@Injectable()
export class SupervisionClock {
  constructor(private readonly config: SupervisorConfig) {}

  today(): string {
    return this.config.AJX_SUPERVISION_AS_OF || new Date(Date.now() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
  }
}
