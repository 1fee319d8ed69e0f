import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { RECORD_KINDS } from '@ajx/contracts';
import { ACKNOWLEDGEMENT_NOTE_MAX, encodeFeedCursor, URGENT_KINDS, type WebhookDelivery } from '@ajx/dept-store';
import { PageLimit } from '../../http/page-limit';

const CURSOR = /^[A-Za-z0-9_-]{1,1024}$/;
const CURSOR_MESSAGE = 'after must be a cursor returned by this API';

export class FeedQueryDto {
  @ApiPropertyOptional({ description: 'a cursor from this feed (an entry’s `cursor`, `next`, or a stream event id)' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: CURSOR_MESSAGE })
  after?: string;

  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'only urgent entries (major hazards and urgent accidents of the urgent lane); its cursors belong to this filter',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  urgent?: 'true' | 'false';
}

export class FeedStreamQueryDto {
  @ApiPropertyOptional({ description: 'where to start when there is no Last-Event-ID header (default: the start)' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: CURSOR_MESSAGE })
  after?: string;
}

export const FEED_ENTRY_KINDS = ['new', 'updated', 'corrected', 'withdrawn', 'escalated'] as const;

export class FeedEntryDto {
  @ApiProperty({ description: 'this entry’s position: pass as `after` to continue after it' }) cursor!: string;
  @ApiProperty({ description: 'the entry’s number in the department’s feed (commit order)' }) seq!: number;
  @ApiProperty({
    enum: FEED_ENTRY_KINDS,
    description:
      'new / updated / corrected: the view changed; withdrawn: the record left the view; escalated: an unacknowledged urgent record (major hazard, urgent accident) reached this department’s level',
  })
  entry!: string;
  @ApiProperty({ description: 'an urgent record of the urgent lane (major hazard, urgent accident)' }) urgent!: boolean;
  @ApiProperty({
    enum: [...RECORD_KINDS, 'finding', 'report'],
    description: 'a record kind, finding (a supervision finding) or report (a report filed upward: data has its links)',
  })
  kind!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty({ description: 'policyNo / serviceId / hazardId / accidentId / claimNo' }) subject!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({
    nullable: true,
    description: 'the record as this department may see it (masked); null for withdrawn',
    oneOf: [
      { $ref: getSchemaPath('PolicyView') },
      { $ref: getSchemaPath('ServiceView') },
      { $ref: getSchemaPath('HazardView') },
      { $ref: getSchemaPath('AccidentView') },
      { $ref: getSchemaPath('ClaimView') },
    ],
  })
  data!: unknown;
  @ApiProperty({ format: 'date-time', description: 'when the entry was written' }) at!: string;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedEntryDto] }) items!: FeedEntryDto[];
  @ApiProperty({ description: 'pass as `after` for the next page (the same cursor again when nothing was new)' })
  next!: string;
  @ApiProperty({ description: 'true when the page was full: more entries may follow right away' }) more!: boolean;
}

export class AcknowledgementEntryDto {
  @ApiProperty({ description: 'the department that acknowledged' }) department!: string;
  @ApiProperty({ enum: ['county', 'city', 'province'], description: 'the level the escalation was at' }) tier!: string;
  @ApiProperty({ description: 'the version the escalation was at' }) version!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ nullable: true, description: '处置意见: the note given with the acknowledgement' }) note!:
    string | null;
}

export class AcknowledgementDto {
  @ApiProperty({ enum: URGENT_KINDS }) kind!: string;
  @ApiProperty() insurer!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'the record version the escalation is at' }) version!: number;
  @ApiProperty({
    enum: ['open', 'acknowledged', 'closed', 'exhausted'],
    description:
      'acknowledged: escalation stopped; closed: a newer version (hazard rectified or not major; accident closed or no longer urgent) stopped it',
  })
  state!: string;
  @ApiProperty({ enum: ['county', 'city', 'province'], description: 'the level notified last' }) tier!: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) acknowledgedAt!: string | null;
  @ApiProperty({ description: 'whether the acknowledgement that stopped the escalation was yours' })
  acknowledgedByYou!: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'your note (处置意见), when you acknowledged with one' })
  note!: string | null;
  @ApiProperty({
    type: [AcknowledgementEntryDto],
    description: 'every acknowledgement of the record so far, in order, with its note',
  })
  acknowledgements!: AcknowledgementEntryDto[];
}

export class AckQueryDto {
  @ApiPropertyOptional({ example: 'PICC', description: 'needed when several insurers use the same record id' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'insurer must be an insurer code' })
  insurer?: string;
}

export class AckBodyDto {
  @ApiPropertyOptional({
    description: `处置意见: what the department does about it (1–${ACKNOWLEDGEMENT_NOTE_MAX} characters, not blank)`,
    example: '已派员赶赴现场核查，督促企业停产整改',
  })
  @IsOptional()
  @IsString()
  @MaxLength(ACKNOWLEDGEMENT_NOTE_MAX)
  @Matches(/\S/, { message: 'note must not be blank' })
  note?: string;
}

export class WebhookConfigDto {
  @ApiProperty({ example: 'https://dept.example.gov.cn/ajx/webhook', description: 'http(s), no credentials' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ description: 'HMAC-SHA256 key for the signatures: 24–256 printable ASCII characters, no spaces' })
  @IsString()
  @Matches(/^[\x21-\x7e]{24,256}$/, { message: 'secret must be 24 to 256 printable ASCII characters without spaces' })
  secret!: string;

  @ApiPropertyOptional({
    description: 'deliver the entries after this feed cursor (default: a new endpoint starts at the end of the feed)',
  })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: CURSOR_MESSAGE })
  after?: string;
}

export class DeliveryCountsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() dead!: number;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'the ajx-webhook-id header (the same on every attempt)' }) id!: string;
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'the feed cursor of the entry' }) cursor!: string;
  @ApiProperty() urgent!: boolean;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) state!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) nextAttemptAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) lastStatus!: number | null;
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt!: string | null;
}

/** A delivery as the API shows it (the department's and the operators' views). */
export function deliveryDto(d: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: d.id,
    seq: d.seq,
    cursor: encodeFeedCursor({ seq: d.seq, ahead: [] }, d.departmentId),
    urgent: d.urgent,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString() ?? null,
  };
}

export class WebhookDto {
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'every entry up to this cursor is delivered or dead' }) cursor!: string;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: DeliveryCountsDto }) counts!: DeliveryCountsDto;
  @ApiPropertyOptional({ type: WebhookDeliveryDto, nullable: true, description: 'the delivery in flight' })
  inFlight!: WebhookDeliveryDto | null;
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead'])
  state?: 'pending' | 'delivered' | 'dead';

  @ApiPropertyOptional({ description: 'deliveries of entries before this sequence number (paging back)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  beforeSeq?: number;

  @PageLimit()
  limit?: number;
}

export class DeliveriesPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
}
