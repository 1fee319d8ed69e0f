import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { RECORD_KINDS } from '@ajx/contracts';
import { FAULT_MODES, type FaultMode } from '../interchange/fault-injector';

const ERROR_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

export class FaultSettingsDto {
  @ApiProperty({ enum: FAULT_MODES })
  @IsIn(FAULT_MODES, { message: `mode must be one of ${FAULT_MODES.join(', ')}` })
  mode!: FaultMode;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 1, description: 'Chance per request' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  probability?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 600000,
    description:
      'timeout: hold before dropping (default 30000); slow: delay (default 2000); lose-ack: delay (default 0)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600000)
  delayMs?: number;

  @ApiPropertyOptional({ description: 'error: status to answer, 429 or 500–599 (default 503)' })
  @IsOptional()
  @IsIn(ERROR_STATUSES, { message: 'statusCode must be 429 or 500–599' })
  statusCode?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Inject this many faults, then fall back to none' })
  @IsOptional()
  @IsInt()
  @Min(1)
  remaining?: number;
}

export class FaultStateDto {
  @ApiProperty({ enum: FAULT_MODES }) mode!: FaultMode;
  @ApiProperty() probability!: number;
  @ApiProperty() delayMs!: number;
  @ApiProperty() statusCode!: number;
  @ApiProperty({ nullable: true, type: Number }) remaining!: number | null;
  @ApiProperty({ description: 'Faults injected since the settings were set' }) injected!: number;
}

export class LogQueryDto {
  @ApiPropertyOptional({ description: 'Return entries with a log id greater than this', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after: number = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit: number = 1000;

  @ApiPropertyOptional({ description: 'Include each entry’s event', default: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  events: boolean = false;
}

export class LogRowDto {
  @ApiProperty({ description: 'Log id: the order received' }) id!: number;
  @ApiProperty() batchId!: string;
  @ApiProperty({ description: 'Hub sequence number' }) seq!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ enum: RECORD_KINDS }) kind!: string;
  @ApiProperty() type!: string;
  @ApiProperty() version!: number;
  @ApiProperty() uscc!: string;
  @ApiProperty() region!: string;
  @ApiProperty() correction!: boolean;
  @ApiProperty() acceptedDate!: string;
  @ApiProperty({ description: 'The same event (id and content) was logged before' }) duplicate!: boolean;
  @ApiProperty() receivedAt!: string;
  @ApiPropertyOptional({ type: Object }) event?: unknown;
}

export class LogPageDto {
  @ApiProperty({ type: [LogRowDto] }) items!: LogRowDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'Pass as ?after= for the next page; null at the end' })
  next!: number | null;
}

export class OrderViolationDto {
  @ApiProperty() uscc!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'A higher seq of the same enterprise that arrived before it' }) afterSeq!: number;
}

export class StatsDto {
  @ApiProperty({ description: 'Batches (and pulled pages) logged' }) batches!: number;
  @ApiProperty({ description: 'Re-deliveries of logged batch ids, acknowledged without logging' })
  redeliveries!: number;
  @ApiProperty({ description: 'Entries logged' }) entries!: number;
  @ApiProperty() distinctEvents!: number;
  @ApiProperty({ description: 'Entries whose event (same id and content) was logged before' })
  duplicateEntries!: number;
  @ApiProperty() corrections!: number;
  @ApiProperty({ description: 'First arrivals that came after a higher seq of the same enterprise' })
  orderViolations!: number;
  @ApiProperty({ type: [OrderViolationDto] }) orderViolationSamples!: OrderViolationDto[];
  @ApiProperty({ description: 'Highest hub seq received in order (push or pull)' }) watermark!: number;
}

export class PullResultDto {
  @ApiProperty() pages!: number;
  @ApiProperty() entries!: number;
  @ApiProperty() duplicateEntries!: number;
  @ApiProperty() cursor!: string;
}

export class ReportDto {
  @ApiProperty() id!: number;
  @ApiProperty() date!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: Number }) hubStatus!: number | null;
  @ApiProperty({ type: [Object] }) cells!: unknown[];
}
