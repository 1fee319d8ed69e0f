import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { ReportDetailDto, ReportListDto, ReportQueryDto, ReportRunDto, ReportRunResultDto } from './dto/report.dto';
import { ReportsService } from './reports.service';

const FILE_PARAM = {
  name: 'file',
  description:
    '`{id}.csv`, `{id}.xlsx` or `{id}.pdf` (the file, with its Chinese name in Content-Disposition); `{id}` alone: the report with its document (JSON)',
  example: '0b6f1c2e-8d1a-5c3e-9f00-1a2b3c4d5e6f.pdf',
};
const PRODUCES = [
  'application/json',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/pdf',
];

@ApiTags('reports')
@ApiBearerAuth()
@Roles('department')
@Controller('v1/dept/reports')
export class DeptReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({
    summary: 'Reports of the jurisdiction (周报, 工作简报, 月度讲评), newest period first',
    description: 'A county sees its own weekly reports; the city its counties’ and its own bulletins and scorecards.',
  })
  @ApiOkResponse({ type: ReportListDto })
  list(@CurrentPrincipal() me: Principal, @Query() q: ReportQueryDto, @RequestId() rid?: string) {
    return this.reports.list(me, q, rid);
  }

  @Post('runs')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make (again) the reports of a past period now (the owning department), and wait for them',
  })
  @ApiOkResponse({ type: ReportRunResultDto })
  run(@CurrentPrincipal() me: Principal, @Body() b: ReportRunDto, @RequestId() rid?: string) {
    return this.reports.run(me, b, rid);
  }

  @Get(':file')
  @ApiOperation({ summary: 'A report as CSV (UTF-8 with BOM), XLSX or PDF, or as JSON' })
  @ApiParam(FILE_PARAM)
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ type: ReportDetailDto, description: 'the file (by extension), or the report as JSON' })
  @ApiNotFoundResponse({ description: 'no such report in the jurisdiction' })
  file(@CurrentPrincipal() me: Principal, @Param('file') file: string, @RequestId() rid?: string) {
    return this.reports.file(me, file, rid);
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Roles('insurer')
@Controller('v1/insurer/reports')
export class InsurerReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'The insurer’s own monthly scorecards (月度讲评)' })
  @ApiOkResponse({ type: ReportListDto })
  list(@CurrentPrincipal() me: Principal, @Query() q: ReportQueryDto, @RequestId() rid?: string) {
    return this.reports.list(me, q, rid);
  }

  @Get(':file')
  @ApiOperation({ summary: 'One of its scorecards as CSV, XLSX or PDF, or as JSON' })
  @ApiParam(FILE_PARAM)
  @ApiProduces(...PRODUCES)
  @ApiOkResponse({ type: ReportDetailDto })
  @ApiNotFoundResponse({ description: 'no such scorecard of the insurer' })
  file(@CurrentPrincipal() me: Principal, @Param('file') file: string, @RequestId() rid?: string) {
    return this.reports.file(me, file, rid);
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin/reports')
export class AdminReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post('runs')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make (again) reports of a past period now, for any region (operators), and wait for them' })
  @ApiOkResponse({ type: ReportRunResultDto })
  run(@CurrentPrincipal() me: Principal, @Body() b: ReportRunDto, @RequestId() rid?: string) {
    return this.reports.run(me, b, rid);
  }
}
