import type { ServiceDefinition } from '@ajx/platform';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  schema: GatewayConfig,
  module: (config) => GatewayModule.forRoot(config),
  port: (config) => config.AJX_GATEWAY_PORT,
};
