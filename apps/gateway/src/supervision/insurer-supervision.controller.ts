import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { InsurerFiguresDto } from './dto/figures.dto';
import { FindingPageDto, FindingQueryDto } from './dto/finding.dto';
import { FiguresService } from './figures.service';
import { FindingsService } from './findings.service';

@ApiTags('supervision')
@ApiBearerAuth()
@Roles('insurer')
@Controller('v1/insurer')
export class InsurerSupervisionController {
  constructor(
    private readonly findings: FindingsService,
    private readonly figures: FiguresService,
  ) {}

  @Get('findings')
  @ApiOperation({ summary: 'The findings attributed to the calling insurer' })
  @ApiOkResponse({ type: FindingPageDto })
  list(@CurrentPrincipal() me: Principal, @Query() q: FindingQueryDto, @RequestId() rid?: string) {
    return this.findings.page(me, q, rid);
  }

  @Get('figures')
  @ApiOperation({
    summary: "The calling insurer's own figures: premium, prevention-fee ledger, service coverage, claims",
  })
  @ApiOkResponse({ type: InsurerFiguresDto })
  ownFigures(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.figures.insurerFigures(me, rid);
  }
}
