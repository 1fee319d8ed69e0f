import { CommonConfig, IntSetting, IsInterchangeSender, IsPort } from '@ajx/config';
import {
  configuredEndpoints,
  InterchangeEndpointsConstraint,
  isCronPattern,
  parseInterchangeEndpoints,
  type InterchangeEndpoint,
} from '@ajx/interchange-store';
import { getNextMillis } from 'bullmq';
import {
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** Each pushing endpoint holds one pooled connection (its advisory lock); the pool must leave room for the rest. */
@ValidatorConstraint({ name: 'poolFitsEndpoints' })
class PoolFitsEndpoints implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const config = args.object as InterchangeConfig;
    try {
      const pushing = parseInterchangeEndpoints(String(value)).filter((e) => e.mode !== 'off').length;
      return pushing === 0 || config.AJX_DATABASE_POOL_SIZE >= pushing + 2;
    } catch {
      return true; // reported by InterchangeEndpointsConstraint
    }
  }

  defaultMessage(): string {
    return 'AJX_DATABASE_POOL_SIZE must be at least the number of pushing endpoints + 2 (each holds a connection)';
  }
}

export const SCHEDULE_TZ = 'Asia/Shanghai';

/** The reason BullMQ would refuse a cron pattern (checked with its own parser), or null. */
function cronProblem(pattern: string): string | null {
  if (!isCronPattern(pattern)) return 'must be a cron pattern of 5 or 6 fields';
  try {
    getNextMillis(Date.now(), { pattern, tz: SCHEDULE_TZ });
    return null;
  } catch (err) {
    return `is not a valid cron pattern (${err instanceof Error ? err.message : String(err)})`;
  }
}

@ValidatorConstraint({ name: 'cronPattern' })
class CronPatternConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    this.problem = typeof value === 'string' ? (cronProblem(value) ?? '') : 'must be a string';
    return this.problem === '';
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} ${this.problem}`;
  }
}

/** Every scheduled endpoint's cron pattern is one BullMQ takes (the shape is checked with the list itself). */
@ValidatorConstraint({ name: 'endpointCrons' })
class EndpointCronsConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    try {
      const bad = parseInterchangeEndpoints(String(value))
        .filter((e) => e.cron !== null)
        .map((e) => [e.id, cronProblem(e.cron!)] as const)
        .filter(([, p]) => p !== null);
      this.problem = bad.map(([id, p]) => `endpoint ${id}: cron ${p}`).join('; ');
      return bad.length === 0;
    } catch {
      return true; // reported by InterchangeEndpointsConstraint
    }
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} ${this.problem}`;
  }
}

export class InterchangeConfig extends CommonConfig {
  @IsPort()
  AJX_INTERCHANGE_PORT: number = 3003;

  /** This hub deployment's name in the protocol (`sender` of batches and manifests). */
  @IsInterchangeSender()
  AJX_INTERCHANGE_SENDER = 'ajx-hub';

  /** JSON array of endpoints (see docs/interchange.md, "The hub's interchange service"). Empty: none. */
  @Validate(InterchangeEndpointsConstraint)
  @Validate(EndpointCronsConstraint)
  @Validate(PoolFitsEndpoints)
  AJX_INTERCHANGE_ENDPOINTS = '[]';

  /** How often an idle real-time sender looks for new events (and a sender for new re-sends). */
  @IntSetting(20, 60000)
  AJX_INTERCHANGE_POLL_MS: number = 250;

  /** How often an instance that does not hold an endpoint's lock tries to take it over. */
  @IntSetting(100, 600000)
  AJX_INTERCHANGE_STANDBY_MS: number = 2000;

  /** Backoff of retried deliveries: first wait, doubling up to the maximum (half of each wait jittered). */
  @IntSetting(10, 60000)
  AJX_INTERCHANGE_RETRY_BASE_MS: number = 500;

  @IntSetting(10, 3600000)
  AJX_INTERCHANGE_RETRY_MAX_MS: number = 60000;

  /** When the daily manifests are sent (cron, Asia/Shanghai): every finished day not yet reconciled. */
  @Validate(CronPatternConstraint)
  AJX_INTERCHANGE_MANIFEST_CRON = '30 1 * * *';

  /** How many past days the daily manifest job looks at. */
  @IntSetting(1, 366)
  AJX_INTERCHANGE_MANIFEST_LOOKBACK_DAYS: number = 31;

  /** The parsed endpoints (secret files are read once). */
  endpoints(): InterchangeEndpoint[] {
    return configuredEndpoints(this);
  }
}
