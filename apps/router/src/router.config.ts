import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

export class RouterConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_ROUTER_PORT: number = 3002;
}
