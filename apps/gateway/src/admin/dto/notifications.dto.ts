import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { type EscalationState, URGENT_KINDS, type UrgentKind } from '@ajx/dept-store';
import { AcknowledgementEntryDto, DeliveryCountsDto } from '../../dept/dto/feed.dto';
import { PageLimit } from '../../http/page-limit';

export class AdminDeliveriesQueryDto {
  @ApiPropertyOptional({ description: 'a department principal id' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/)
  department?: string;

  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead'])
  state?: 'pending' | 'delivered' | 'dead';

  @PageLimit()
  limit?: number;
}

export class EscalationsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'closed', 'exhausted'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'closed', 'exhausted'])
  state?: EscalationState;

  @ApiPropertyOptional({ enum: URGENT_KINDS, description: 'major hazards or urgent accidents only' })
  @IsOptional()
  @IsIn(URGENT_KINDS)
  kind?: UrgentKind;

  @PageLimit()
  limit?: number;
}

export class WebhookEndpointAdminDto {
  @ApiProperty() department!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'sequence number up to which every entry is delivered or dead' }) deliveredUpTo!: number;
  @ApiProperty({ description: 'the department feed’s last sequence number' }) head!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: DeliveryCountsDto }) counts!: DeliveryCountsDto;
}

export class UrgentTiersDto {
  @ApiProperty({ type: [String] }) county!: string[];
  @ApiProperty({ type: [String] }) city!: string[];
  @ApiProperty({ type: [String] }) province!: string[];
}

export class EscalationDto {
  @ApiProperty({ enum: URGENT_KINDS }) kind!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['open', 'acknowledged', 'closed', 'exhausted'] }) state!: string;
  @ApiProperty({ enum: ['county', 'city', 'province'] }) tier!: string;
  @ApiProperty({ format: 'date-time', description: 'when the current tier was notified (the timer runs from it)' })
  tierStartedAt!: string;
  @ApiProperty({ type: UrgentTiersDto }) plan!: UrgentTiersDto;
  @ApiPropertyOptional({ nullable: true }) acknowledgedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) acknowledgedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) closedReason!: string | null;
  @ApiProperty({ type: [AcknowledgementEntryDto], description: 'every acknowledgement, in order, with its note' })
  acknowledgements!: AcknowledgementEntryDto[];
}
