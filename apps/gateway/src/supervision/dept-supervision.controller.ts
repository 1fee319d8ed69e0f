import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { EnterpriseProfileDto } from './dto/enterprise.dto';
import { FiguresDto } from './dto/figures.dto';
import { FindingDetailDto, FindingDto, FindingPageDto, FindingQueryDto, FindingReviewDto } from './dto/finding.dto';
import { LadderPositionDto } from './dto/ladder.dto';
import { TargetsDto, TargetsInputDto, YearQueryDto } from './dto/targets.dto';
import { EnterpriseProfileService } from './enterprise-profile.service';
import { FiguresService } from './figures.service';
import { FindingsService } from './findings.service';
import { LadderService } from './ladder.service';
import { TargetsService } from './targets.service';

@ApiTags('supervision')
@ApiBearerAuth()
@Roles('department')
@Controller('v1/dept')
export class DeptSupervisionController {
  constructor(
    private readonly findings: FindingsService,
    private readonly figures: FiguresService,
    private readonly profiles: EnterpriseProfileService,
    private readonly targets: TargetsService,
    private readonly ladders: LadderService,
  ) {}

  @Get('findings')
  @ApiOperation({
    summary: 'Findings of the jurisdiction (监管发现)',
    description: 'The findings of the enterprises of the department’s jurisdiction and sectors, oldest change first.',
  })
  @ApiOkResponse({ type: FindingPageDto })
  list(@CurrentPrincipal() me: Principal, @Query() q: FindingQueryDto, @RequestId() rid?: string) {
    return this.findings.page(me, q, rid);
  }

  @Get('findings/:id')
  @ApiOperation({ summary: 'One finding with its history (opened, resolved, re-opened, reviews)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FindingDetailDto })
  @ApiNotFoundResponse({ description: 'no such finding in the jurisdiction' })
  detail(@CurrentPrincipal() me: Principal, @Param('id') id: string, @RequestId() rid?: string) {
    return this.findings.detail(me, id, rid);
  }

  @Post('findings/:id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a finding (认定), with the reason; it counts on the violation ladder' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FindingDto })
  confirm(
    @CurrentPrincipal() me: Principal,
    @Param('id') id: string,
    @Body() b: FindingReviewDto,
    @RequestId() rid?: string,
  ) {
    return this.findings.review(me, id, 'confirmed', b.reason, rid);
  }

  @Post('findings/:id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss a finding (不予认定), with the reason' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FindingDto })
  dismiss(
    @CurrentPrincipal() me: Principal,
    @Param('id') id: string,
    @Body() b: FindingReviewDto,
    @RequestId() rid?: string,
  ) {
    return this.findings.review(me, id, 'dismissed', b.reason, rid);
  }

  @Get('figures')
  @ApiOperation({
    summary:
      'Supervision figures of the jurisdiction (coverage 投保率, headcount, fee ledger, service coverage, premium, hazards, accidents, claims)',
  })
  @ApiOkResponse({ type: FiguresDto })
  figuresOf(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.figures.figures(me, rid);
  }

  @Get('enterprises/:uscc')
  @ApiOperation({ summary: 'Everything about one enterprise: register entry, records, open findings (企业档案)' })
  @ApiParam({ name: 'uscc', description: '统一社会信用代码' })
  @ApiOkResponse({ type: EnterpriseProfileDto })
  @ApiNotFoundResponse({ description: 'the department sees nothing of this enterprise' })
  enterprise(@CurrentPrincipal() me: Principal, @Param('uscc') uscc: string, @RequestId() rid?: string) {
    return this.profiles.profile(me, uscc, rid);
  }

  @Get('targets')
  @ApiOperation({ summary: "The city's targets of a year per county and insurer, with progress (目标任务, 七(九))" })
  @ApiOkResponse({ type: TargetsDto })
  targetsOf(@CurrentPrincipal() me: Principal, @Query() q: YearQueryDto, @RequestId() rid?: string) {
    return this.targets.get(me, q.year, rid);
  }

  @Put('targets/:year')
  @ApiOperation({ summary: "The city emergency department sets the year's targets (replacing the earlier ones)" })
  @ApiParam({ name: 'year', example: 2026 })
  @ApiOkResponse({ type: TargetsDto })
  setTargets(
    @CurrentPrincipal() me: Principal,
    @Param('year') year: string,
    @Body() b: TargetsInputDto,
    @RequestId() rid?: string,
  ) {
    return this.targets.set(me, Number(year), b, rid);
  }

  @Get('ladder')
  @ApiOperation({ summary: 'The violation ladder of the insurers (通报批评 → 警告 → 退出市场审查, 济宁 七(八))' })
  @ApiOkResponse({ type: [LadderPositionDto] })
  ladder(@CurrentPrincipal() me: Principal, @Query() q: YearQueryDto, @RequestId() rid?: string) {
    return this.ladders.ladder(me, q.year, rid);
  }
}
