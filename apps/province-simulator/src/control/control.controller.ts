import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isIsoDate } from '@ajx/interchange-protocol';
import { ControlService } from './control.service';
import {
  FaultSettingsDto,
  FaultStateDto,
  LogPageDto,
  LogQueryDto,
  PullResultDto,
  ReportDto,
  StatsDto,
} from './control.dto';
import { LoopbackOnlyGuard } from '@ajx/platform';

/** Test and demo control of the simulator: faults, the delivery log, pulls and reports. Loopback clients only. */
@ApiTags('control (loopback only, tests and demo)')
@Controller('control')
@UseGuards(LoopbackOnlyGuard)
@UsePipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }))
export class ControlController {
  constructor(private readonly control: ControlService) {}

  @Put('faults')
  @ApiOperation({ summary: 'Set the fault played on the interchange endpoints' })
  @ApiOkResponse({ type: FaultStateDto })
  setFaults(@Body() dto: FaultSettingsDto): FaultStateDto {
    return this.control.setFaults(dto);
  }

  @Get('faults')
  @ApiOkResponse({ type: FaultStateDto })
  faults(): FaultStateDto {
    return this.control.faults();
  }

  @Get('log')
  @ApiOperation({ summary: 'The delivery log in the order received, paged by log id' })
  @ApiOkResponse({ type: LogPageDto })
  log(@Query() q: LogQueryDto): Promise<LogPageDto> {
    return this.control.log(q.after, q.limit, q.events);
  }

  @Delete('log')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase the log, batches, watermark, seen signatures, manifests, reports and pull cursor' })
  @ApiNoContentResponse()
  reset(): Promise<void> {
    return this.control.reset();
  }

  @Get('stats')
  @ApiOkResponse({ type: StatsDto })
  stats(): Promise<StatsDto> {
    return this.control.stats();
  }

  @Post('pull')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pull from the hub until it has nothing more' })
  @ApiOkResponse({ type: PullResultDto })
  pull(): Promise<PullResultDto> {
    return this.control.pull();
  }

  @Get('reconciliation')
  @ApiOperation({ summary: 'Reconciliation reports sent (or being sent) to the hub' })
  @ApiOkResponse({ type: [ReportDto] })
  reports(): Promise<ReportDto[]> {
    return this.control.reports();
  }

  @Post('reconciliation/:date/report')
  @HttpCode(200)
  @ApiOperation({ summary: "Report the latest mismatch of a date to the hub again and wait for the hub's answer" })
  @ApiOkResponse({ type: ReportDto })
  report(@Param('date') date: string): Promise<ReportDto> {
    if (!isIsoDate(date)) throw new BadRequestException('date must be YYYY-MM-DD');
    return this.control.reportAgain(date);
  }
}
