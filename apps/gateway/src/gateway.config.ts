import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

export class GatewayConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_GATEWAY_PORT: number = 3000;
}
