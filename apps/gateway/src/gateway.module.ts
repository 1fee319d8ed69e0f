import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@ajx/platform';
import { GatewayConfig } from './gateway.config';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'gateway',
          schema: GatewayConfig,
          config,
          uses: { kafka: true, postgres: true, redis: true },
        }),
      ],
    };
  }
}
