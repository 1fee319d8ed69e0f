import type { ServiceDefinition } from '@ajx/platform';
import { NormalizerConfig } from './normalizer.config';
import { NormalizerModule } from './normalizer.module';

export const normalizerService: ServiceDefinition<NormalizerConfig> = {
  name: 'normalizer',
  schema: NormalizerConfig,
  module: (config) => NormalizerModule.forRoot(config),
  port: (config) => config.AJX_NORMALIZER_PORT,
};
