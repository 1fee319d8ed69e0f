import { type DynamicModule, Module } from '@nestjs/common';
import { CanonicalStoreModule, CanonicalStoreRepository } from '@ajx/canonical-store';
import { createNormalizer } from '@ajx/domain';
import { EventProducer } from '@ajx/messaging';
import { NormalizationPipeline } from '@ajx/normalization';
import { ServiceRuntimeModule } from '@ajx/platform';
import { NormalizerConfig } from './normalizer.config';
import { NormalizerService } from './normalizer.service';
import { RawRecordsHandler } from './raw-records.handler';

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
        CanonicalStoreModule,
      ],
      controllers: [RawRecordsHandler],
      providers: [
        {
          provide: NormalizationPipeline,
          inject: [CanonicalStoreRepository, EventProducer],
          useFactory: (store: CanonicalStoreRepository, producer: EventProducer) =>
            new NormalizationPipeline(createNormalizer(), store, producer),
        },
        NormalizerService,
      ],
    };
  }
}
