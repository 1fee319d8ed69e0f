import fs from 'node:fs';
import { deploymentRulePack, type RulePack } from '@ajx/authz';
import { CommonConfig } from '@ajx/config';
import {
  IsInt,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

const readText = (file: string) => fs.readFileSync(file, 'utf8');
const rulePacks = new WeakMap<object, RulePack>();

/** AJX_RULE_PACK_FILE is checked when the configuration is loaded, so a bad pack stops the process at start-up. */
@ValidatorConstraint({ name: 'rulePackFile' })
class RulePackFileConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value === '') return true;
    try {
      deploymentRulePack('default@1', value, readText);
      return true;
    } catch (err) {
      this.problem = (err as Error).message;
      return false;
    }
  }

  defaultMessage(): string {
    return this.problem;
  }
}

export class RouterConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_ROUTER_PORT: number = 3002;

  /** The deployment's rule pack, `<id>@<version>` of a built-in pack (default@1, jining@1). */
  @Matches(/^[a-z][a-z0-9_-]*@\d+$/, { message: 'AJX_RULE_PACK must be <id>@<version>, e.g. default@1' })
  AJX_RULE_PACK = 'default@1';

  /**
   * A custom rule pack (JSON, `libs/authz/rule-packs/rule-pack.schema.json`) instead of the built-in AJX_RULE_PACK;
   * validated at start-up (schema and semantic rules), every problem named. The router and the gateway must be given
   * the same pack.
   */
  @Validate(RulePackFileConstraint)
  AJX_RULE_PACK_FILE = '';

  /** The deployment's rule pack (read once). */
  rulePack(): RulePack {
    let pack = rulePacks.get(this);
    if (!pack) rulePacks.set(this, (pack = deploymentRulePack(this.AJX_RULE_PACK, this.AJX_RULE_PACK_FILE, readText)));
    return pack;
  }

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
