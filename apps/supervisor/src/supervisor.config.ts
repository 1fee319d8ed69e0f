import fs from 'node:fs';
import { configuredRulePack, deploymentRulePack, type RulePack } from '@ajx/authz';
import { CommonConfig, IntSetting, IsPort, IsRulePackFile, IsRulePackSpec } from '@ajx/config';
import { IsNotEmpty, Matches, ValidateIf } from 'class-validator';

const readText = (file: string) => fs.readFileSync(file, 'utf8');

export class SupervisorConfig extends CommonConfig {
  @IsPort()
  AJX_SUPERVISOR_PORT: number = 3006;

  /**
   * The deployment's rule pack, as the gateway's and the router's (default@2, like theirs): its supervision section
   * says which rules apply where and with which parameters (docs/supervision.md).
   */
  @IsRulePackSpec()
  AJX_RULE_PACK = 'default@2';

  /** A custom rule pack instead of the built-in AJX_RULE_PACK (the same file as the gateway's and the router's). */
  @IsRulePackFile((file) => deploymentRulePack('default@2', file, readText))
  AJX_RULE_PACK_FILE = '';

  /** The deployment's rule pack (read once). */
  rulePack(): RulePack {
    return configuredRulePack(this, readText);
  }

  /** Partitions of the canonical topic handled at once. */
  @IntSetting(1, 64)
  AJX_SUPERVISOR_CONCURRENCY: number = 4;

  /** Canonical messages per step. */
  @IntSetting(1, 10000)
  AJX_SUPERVISOR_BATCH: number = 1000;

  /**
   * The date the rules are evaluated on (asOf), `YYYY-MM-DD`; empty: today in Beijing. For tests and for replaying a
   * past period in a copy of a deployment, never in production.
   */
  @ValidateIf((c: SupervisorConfig) => c.AJX_SUPERVISION_AS_OF !== '')
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'AJX_SUPERVISION_AS_OF must be a date YYYY-MM-DD (or empty: today)' })
  AJX_SUPERVISION_AS_OF = '';

  /** When every enterprise is evaluated again (cron, Asia/Shanghai): dates move findings such as RENEWAL_DUE. */
  @IsNotEmpty()
  AJX_SUPERVISION_DAILY_CRON = '5 0 * * *';

  /** How often the register is checked for a new version (a change evaluates every enterprise again). */
  @IntSetting(200)
  AJX_SUPERVISION_REGISTER_POLL_MS: number = 10_000;

  /**
   * Longest wait, when the service starts, for its consumer to handle the canonical backlog present at start before
   * any full evaluation runs (else it would see the register without the policies still in the backlog and open
   * findings it resolves moments later). After it the evaluation runs anyway, with a warning; 0: no wait.
   */
  @IntSetting(0, 86_400_000)
  AJX_SUPERVISION_START_CATCHUP_TIMEOUT_MS: number = 900_000;

  /** Enterprises evaluated per transaction in a full evaluation. */
  @IntSetting(10, 100_000)
  AJX_SUPERVISION_CHUNK: number = 1000;

  /**
   * Chunks of a full evaluation in flight at once (each its own transaction and pool connection): 2 keeps a core busy
   * evaluating while PostgreSQL writes the other chunk (docs/benchmarks.md).
   */
  @IntSetting(1, 16)
  AJX_SUPERVISION_FULL_CONCURRENCY: number = 2;

  /** How often unpublished finding changes are looked for (each evaluation also publishes at once). */
  @IntSetting(50)
  AJX_SUPERVISION_PUBLISH_POLL_MS: number = 2000;

  /** Weekly reports and city bulletins (cron, Asia/Shanghai): Monday 08:00, for the week before (济宁 七(二)). */
  @IsNotEmpty()
  AJX_REPORT_WEEKLY_CRON = '0 8 * * 1';

  /** Monthly insurer scorecards (cron, Asia/Shanghai): the 1st at 08:00, for the month before (济宁 七(三)). */
  @IsNotEmpty()
  AJX_REPORT_MONTHLY_CRON = '0 8 1 * *';
}
