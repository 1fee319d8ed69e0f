import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@ajx/platform';
import { InterchangeConfig } from './interchange.config';

@Module({})
export class InterchangeModule {
  static forRoot(config: InterchangeConfig): DynamicModule {
    return {
      module: InterchangeModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'interchange',
          schema: InterchangeConfig,
          config,
          uses: { kafka: false, postgres: true, redis: true },
        }),
      ],
    };
  }
}
