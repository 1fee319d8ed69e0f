import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@ajx/platform';
import { NormalizerConfig } from './normalizer.config';

@Module({})
export class NormalizerModule {
  static forRoot(config: NormalizerConfig): DynamicModule {
    return {
      module: NormalizerModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'normalizer',
          schema: NormalizerConfig,
          config,
          uses: { kafka: true, postgres: true },
        }),
      ],
    };
  }
}
