import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@ajx/platform';
import { RouterConfig } from './router.config';

@Module({})
export class RouterModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'router',
          schema: RouterConfig,
          config,
          uses: { kafka: true, postgres: true },
        }),
      ],
    };
  }
}
