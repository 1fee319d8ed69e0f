import { CommonConfig, IntSetting, IsPort } from '@ajx/config';
import { Keyring } from '@ajx/interchange-protocol';
import {
  IsUrl,
  Matches,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  type ValidationArguments,
} from 'class-validator';

/** Checks a `keyId:secret,…` list without ever putting a secret into the message. */
@ValidatorConstraint({ name: 'keyList' })
class KeyListConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    try {
      if (typeof value !== 'string' || value.trim() === '') throw new Error('is required');
      if (Keyring.parse(value).size === 0) throw new Error('holds no key');
      return true;
    } catch (err) {
      this.problem = (err as Error).message;
      return false;
    }
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a keyId:secret[,keyId:secret…] list (secrets of 32+ characters): ${this.problem}`;
  }
}

/** Settings of the provincial-system simulator (a stand-in for the province's own system in demos and tests). */
export class ProvinceSimulatorConfig extends CommonConfig {
  @IsPort()
  AJX_PROVINCE_SIM_PORT: number = 3090;

  /** The province this system stands for (GB/T 2260 two-digit code, e.g. 33 Zhejiang, 37 Shandong). */
  @Matches(/^[1-9][0-9]$/, { message: 'AJX_PROVINCE_CODE must be a two-digit province code such as 33' })
  AJX_PROVINCE_CODE = '';

  /** Keys the hub signs with (`keyId:secret,…`); the simulator signs its own requests with the first one. */
  @Validate(KeyListConstraint)
  AJX_PROVINCE_SIM_SECRETS = '';

  /** The hub's base URL, for reconciliation reports and pulling; empty: neither. */
  @ValidateIf((c: ProvinceSimulatorConfig) => c.AJX_PROVINCE_SIM_HUB_URL !== '')
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'AJX_PROVINCE_SIM_HUB_URL must be an http(s) URL' },
  )
  AJX_PROVINCE_SIM_HUB_URL = '';

  /** Key the simulator signs its requests to the hub with (default: the first of AJX_PROVINCE_SIM_SECRETS). */
  @Matches(/^([A-Za-z0-9._-]{1,64})?$/, { message: 'AJX_PROVINCE_SIM_HUB_KEY_ID must be a key id' })
  AJX_PROVINCE_SIM_HUB_KEY_ID = '';

  @IntSetting(100, 600000)
  AJX_PROVINCE_SIM_HUB_TIMEOUT_MS: number = 10000;

  /** Pull from the hub every so many milliseconds (0: only when asked through the control API). */
  @IntSetting(0)
  AJX_PROVINCE_SIM_PULL_INTERVAL_MS: number = 0;

  /** The PostgreSQL schema the simulator owns (its tables and its migrations table). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'AJX_PROVINCE_SIM_SCHEMA must be a lower-case SQL identifier' })
  AJX_PROVINCE_SIM_SCHEMA = 'province_sim';

  /** Signature timestamp tolerance, seconds. */
  @IntSetting(1, 3600)
  AJX_PROVINCE_SIM_TOLERANCE_S: number = 300;

  @IntSetting(1024, 256 * 1024 * 1024)
  AJX_PROVINCE_SIM_MAX_BODY_BYTES: number = 8 * 1024 * 1024;

  @IntSetting(1, 100000)
  AJX_PROVINCE_SIM_MAX_ENTRIES: number = 1000;
}
