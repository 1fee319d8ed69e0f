import type { ServiceDefinition } from '@ajx/platform';
import { AdapterConfig } from './adapter.config';
import { AdapterModule } from './adapter.module';

export const adapterService: ServiceDefinition<AdapterConfig> = {
  name: 'adapter',
  schema: AdapterConfig,
  module: (config) => AdapterModule.forRoot(config),
  port: (config) => config.AJX_ADAPTER_PORT,
};
