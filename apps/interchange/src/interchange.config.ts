import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

export class InterchangeConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_INTERCHANGE_PORT: number = 3003;
}
