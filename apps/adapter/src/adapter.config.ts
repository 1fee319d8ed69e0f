import { CommonConfig, IntSetting, IsPort } from '@ajx/config';
import { IsNotEmpty, IsString, Matches } from 'class-validator';

export class AdapterConfig extends CommonConfig {
  /** The insurer this adapter publishes for (its Kafka user may write only `ajx.raw.v1.<INSURER>`). */
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'AJX_ADAPTER_INSURER must be an insurer code such as PICC' })
  AJX_ADAPTER_INSURER = '';

  /** The drop folder: files arrive in incoming/, move to processed/ or rejected/ with a receipt. */
  @IsString()
  @IsNotEmpty({ message: 'AJX_ADAPTER_DROP_DIR is required' })
  AJX_ADAPTER_DROP_DIR = '';

  @IsPort()
  AJX_ADAPTER_PORT: number = 3005;

  /** A file is taken once its size and modification time stayed unchanged this long. */
  @IntSetting(0, 3_600_000)
  AJX_ADAPTER_SETTLE_MS: number = 2000;

  /** How often the drop folder is scanned. */
  @IntSetting(50, 600_000)
  AJX_ADAPTER_POLL_MS: number = 1000;

  /** Records per Kafka transaction (each transaction also commits the file's checkpoint). */
  @IntSetting(1, 10000)
  AJX_ADAPTER_CHUNK_RECORDS: number = 1000;
}
