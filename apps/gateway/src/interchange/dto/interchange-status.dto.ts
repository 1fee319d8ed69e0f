import { ApiProperty } from '@nestjs/swagger';

export const ENDPOINT_STATES = ['not-started', 'halted', 'retrying', 'sending', 'behind', 'up-to-date'] as const;
export type EndpointStatusState = (typeof ENDPOINT_STATES)[number];

export class InterchangeInFlightDto {
  @ApiProperty() batchId!: string;
  @ApiProperty({ enum: ['realtime', 'scheduled', 'resend'] }) mode!: string;
  @ApiProperty() entries!: number;
  @ApiProperty({ description: 'delivery attempts so far' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastAttemptAt!: string | null;
}

export class InterchangeEndpointStatusDto {
  @ApiProperty({ example: 'zj-realtime' }) id!: string;
  @ApiProperty({ description: 'two-digit province code', example: '33' }) province!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['realtime', 'scheduled', 'off'],
    description: "the gateway's configuration (null: stored by the interchange service, not configured here)",
  })
  mode!: string | null;
  @ApiProperty({
    enum: ENDPOINT_STATES,
    description:
      'not-started (never run by the interchange service), halted (needs `ajx interchange resume`), retrying (the ' +
      'batch in flight failed at least once), sending, behind (events wait), up-to-date',
  })
  state!: EndpointStatusState;
  @ApiProperty({ description: 'highest seq of the province the provincial system acknowledged' }) watermark!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'last delivery attempt, or else the last acknowledgement',
  })
  lastPushAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'last acknowledged batch' })
  lastAckAt!: string | null;
  @ApiProperty({ description: 'events of the province after the watermark (counted up to pendingCap)' })
  pending!: number;
  @ApiProperty({ description: 'pending reached the cap: at least that many wait' }) pendingCapped!: boolean;
  @ApiProperty({ type: InterchangeInFlightDto, nullable: true }) inFlight!: InterchangeInFlightDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) haltedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the halt reason, else the last failed attempt of the batch in flight',
  })
  lastError!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: "the province's last pull" })
  lastPullAt!: string | null;
}

export class InterchangePullStatusDto {
  @ApiProperty({ example: '33' }) province!: string;
  @ApiProperty({ description: 'the province principal that pulled' }) principal!: string;
  @ApiProperty({ description: '`key:<keyId>` (signed with an endpoint key) or `token`' }) via!: string;
  @ApiProperty({ description: 'seq of the last entry of the last page (its cursor position)' }) lastSeq!: number;
  @ApiProperty({ description: 'entries of the last page' }) entries!: number;
  @ApiProperty({ description: 'pulls so far' }) pulls!: number;
  @ApiProperty({ format: 'date-time' }) pulledAt!: string;
}

export class InterchangeStatusDto {
  @ApiProperty({ type: [InterchangeEndpointStatusDto] }) endpoints!: InterchangeEndpointStatusDto[];
  @ApiProperty({ type: [InterchangePullStatusDto], description: 'the last pull of every province that pulled' })
  pulls!: InterchangePullStatusDto[];
  @ApiProperty({ description: 'pending counts stop at this number' }) pendingCap!: number;
}
