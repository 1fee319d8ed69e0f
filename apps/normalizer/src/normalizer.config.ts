import { CommonConfig, IntSetting, IsPort } from '@ajx/config';

export class NormalizerConfig extends CommonConfig {
  @IsPort()
  AJX_NORMALIZER_PORT: number = 3001;

  /** Raw partitions processed in parallel by one normaliser process. */
  @IntSetting(1, 64)
  AJX_NORMALIZER_CONCURRENCY: number = 12;

  /** Most raw records handled (and written) in one step. */
  @IntSetting(1, 10000)
  AJX_NORMALIZER_BATCH: number = 1000;
}
