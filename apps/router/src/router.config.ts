import { CommonConfig } from '@ajx/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class RouterConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_ROUTER_PORT: number = 3002;

  /** The deployment's rule pack, `<id>@<version>` of a built-in pack (default@1, jining@1). */
  @Matches(/^[a-z][a-z0-9_-]*@\d+$/, { message: 'AJX_RULE_PACK must be <id>@<version>, e.g. default@1' })
  AJX_RULE_PACK = 'default@1';

  @IsInt()
  @Min(1)
  @Max(64)
  AJX_ROUTER_CONCURRENCY: number = 12;

  @IsInt()
  @Min(1)
  @Max(10000)
  AJX_ROUTER_BATCH: number = 1000;

  /** How often the department directory is re-read (new departments are projected their history). */
  @IsInt()
  @Min(100)
  AJX_ROUTER_DIRECTORY_REFRESH_MS: number = 5000;
}
