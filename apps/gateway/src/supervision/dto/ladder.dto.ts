import { ApiProperty } from '@nestjs/swagger';

export class LadderPositionDto {
  @ApiProperty() insurer!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ description: 'confirmed violations of the ladder rules in the year' }) violations!: number;
  @ApiProperty({ description: 'confirmed FEE_UNDER_ACCRUED findings' }) feeUnderAccrued!: number;
  @ApiProperty({ enum: ['criticism', 'warning', 'market_exit_review'] }) stage!: string;
  @ApiProperty({ description: '通报批评 / 警告 / 退出市场审查' }) stageName!: string;
  @ApiProperty({ type: [String], description: 'the confirmed findings (ids)' }) findings!: string[];
}

export class EvaluationRequestedDto {
  @ApiProperty({ description: 'the queued job' }) jobId!: string;
}

export class SupervisionRunDto {
  @ApiProperty() runId!: number;
  @ApiProperty({ enum: ['start', 'daily', 'register', 'operator'] }) reason!: string;
  @ApiProperty({
    enum: ['all', 'due'],
    description: 'every enterprise, or (the daily run) those whose day to be evaluated again has come',
  })
  scope!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) enterprises!: number | null;
  @ApiProperty({ nullable: true, type: Number }) opened!: number | null;
  @ApiProperty({ nullable: true, type: Number }) updated!: number | null;
  @ApiProperty({ nullable: true, type: Number }) resolved!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}
