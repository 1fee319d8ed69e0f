import type { ServiceDefinition } from '@ajx/platform';
import { RouterConfig } from './router.config';
import { RouterModule } from './router.module';

export const routerService: ServiceDefinition<RouterConfig> = {
  name: 'router',
  schema: RouterConfig,
  module: (config) => RouterModule.forRoot(config),
  port: (config) => config.AJX_ROUTER_PORT,
};
