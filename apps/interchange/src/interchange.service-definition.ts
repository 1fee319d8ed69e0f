import type { ServiceDefinition } from '@ajx/platform';
import { InterchangeConfig } from './interchange.config';
import { InterchangeModule } from './interchange.module';

export const interchangeService: ServiceDefinition<InterchangeConfig> = {
  name: 'interchange',
  schema: InterchangeConfig,
  module: (config) => InterchangeModule.forRoot(config),
  port: (config) => config.AJX_INTERCHANGE_PORT,
};
