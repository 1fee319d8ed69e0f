import { ApiProperty } from '@nestjs/swagger';

/** Rows of each member as SUPERVISION.md "Figures" defines them (key columns, then values). */
export class FiguresDto {
  @ApiProperty({ description: 'the Beijing date the figures are evaluated on' }) asOf!: string;
  @ApiProperty({ example: 'jining@1' }) pack!: string;
  @ApiProperty({ description: 'the department the figures are scoped to' }) scope!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'county, sector: registered, riskDeposit, insured, uninsured, lapsed, surrendered, pending, unregisteredInsured, rate',
  })
  coverage!: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'coverage of the same rows 7 days before asOf (from the daily snapshots; empty before a week of history)',
  })
  coverageWeekBefore!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) headcount!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) ledger!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) serviceCoverage!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) premium!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) hazards!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) accidents!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) claims!: object[];
}

/** An insurer's own figures (the rows whose key names it), in every county it has rows in. */
export class InsurerFiguresDto {
  @ApiProperty({ description: 'the Beijing date the figures are evaluated on' }) asOf!: string;
  @ApiProperty({ example: 'jining@1' }) pack!: string;
  @ApiProperty({ example: 'PINGAN', description: 'the calling insurer' }) insurer!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'insurer, county, quarter: premiumFen, requiredFen, reportedFen, spendFen, balanceFen',
  })
  ledger!: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'insurer, county: ended, endedComplete, inForce, inForceTraining, inForceRiskAssessment',
  })
  serviceCoverage!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'county, insurer: policies, premiumFen' })
  premium!: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'insurer, county: claims, paid, rejected, withdrawn, open, paidFen, decisionLate, paymentLate (时限: 七(四))',
  })
  claims!: object[];
}
