import fs from 'node:fs';
import { configuredRulePack, deploymentRulePack, type RulePack } from '@ajx/authz';
import { CommonConfig, IntSetting, IsPort, IsRulePackFile, IsRulePackSpec } from '@ajx/config';

const readText = (file: string) => fs.readFileSync(file, 'utf8');

export class RouterConfig extends CommonConfig {
  @IsPort()
  AJX_ROUTER_PORT: number = 3002;

  /** The deployment's rule pack, `<id>@<version>` of a built-in pack (default@2, jining@2; @1: data standard v1 only). */
  @IsRulePackSpec()
  AJX_RULE_PACK = 'default@2';

  /**
   * A custom rule pack (JSON, `libs/authz/rule-packs/rule-pack.schema.json`) instead of the built-in AJX_RULE_PACK;
   * validated at start-up (schema and semantic rules), every problem named. The gateway, the router and the
   * supervisor must be given the same pack.
   */
  @IsRulePackFile((file) => deploymentRulePack('default@1', file, readText))
  AJX_RULE_PACK_FILE = '';

  /** The deployment's rule pack (read once). */
  rulePack(): RulePack {
    return configuredRulePack(this, readText);
  }

  @IntSetting(1, 64)
  AJX_ROUTER_CONCURRENCY: number = 12;

  @IntSetting(1, 10000)
  AJX_ROUTER_BATCH: number = 1000;

  /** How often the department directory is re-read (new departments are projected their history). */
  @IntSetting(100)
  AJX_ROUTER_DIRECTORY_REFRESH_MS: number = 5000;
}
