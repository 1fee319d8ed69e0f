import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

export class NormalizerConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_NORMALIZER_PORT: number = 3001;
}
