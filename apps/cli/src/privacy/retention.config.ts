import { CommonConfig } from '@ajx/config';
import { IsInt, Max, Min } from 'class-validator';

/**
 * The retention periods of personal data (PIPL), per store (docs/operations.md, "Personal data"). 0 keeps forever.
 * `ajx retention run` enforces them; `ajx topics ensure` applies AJX_RETENTION_RAW_DAYS to the raw topics.
 */
export class RetentionConfig extends CommonConfig {
  /** Raw insurer records on Kafka (`ajx.raw.v1.<INSURER>`, Kafka `retention.ms`). 0: forever (replays need them). */
  @IsInt()
  @Min(0)
  @Max(36500)
  AJX_RETENTION_RAW_DAYS: number = 0;

  /** Stored upload files, counted from publishing (the batch report and every outcome stay). */
  @IsInt()
  @Min(0)
  @Max(36500)
  AJX_RETENTION_UPLOAD_DAYS: number = 30;

  /** Raw bytes of DLQ entries (code, message and record index stay); the DLQ topic keeps 90 days. */
  @IsInt()
  @Min(0)
  @Max(36500)
  AJX_RETENTION_DLQ_RAW_DAYS: number = 90;

  /** Personal fields (联系人, 电话, staff names, 证书号) of canonical records unchanged for this long, and their department copies. */
  @IsInt()
  @Min(0)
  @Max(36500)
  AJX_RETENTION_PERSONAL_DAYS: number = 1825;

  /** Audit entries: kept at least this long; reported by the job, never deleted (the chain must stay verifiable). */
  @IsInt()
  @Min(180)
  @Max(36500)
  AJX_RETENTION_AUDIT_DAYS: number = 2190;
}
