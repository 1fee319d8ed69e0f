import { CommonConfig, IntSetting, IsPort, IsRulePackSpec } from '@ajx/config';

export class RouterConfig extends CommonConfig {
  @IsPort()
  AJX_ROUTER_PORT: number = 3002;

  /** The deployment's rule pack, `<id>@<version>` of a built-in pack (default@2, jining@2; @1: data standard v1 only). */
  @IsRulePackSpec()
  AJX_RULE_PACK = 'default@2';

  @IntSetting(1, 64)
  AJX_ROUTER_CONCURRENCY: number = 12;

  @IntSetting(1, 10000)
  AJX_ROUTER_BATCH: number = 1000;

  /** How often the department directory is re-read (new departments are projected their history). */
  @IntSetting(100)
  AJX_ROUTER_DIRECTORY_REFRESH_MS: number = 5000;
}
