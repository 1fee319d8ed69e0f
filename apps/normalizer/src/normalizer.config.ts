import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

export class NormalizerConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_NORMALIZER_PORT: number = 3001;

  /** Raw partitions processed in parallel by one normaliser process. */
  @IsInt()
  @Min(1)
  @Max(64)
  AJX_NORMALIZER_CONCURRENCY: number = 12;

  /** Most raw records handled (and written) in one step. */
  @IsInt()
  @Min(1)
  @Max(10000)
  AJX_NORMALIZER_BATCH: number = 1000;
}
