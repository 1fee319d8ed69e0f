import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { DeptService } from './dept.service';
import { DeptPageDto, DeptQueryDto, DeptRecordDto, KIND_PATHS } from './dto/dept.dto';

@ApiTags('department')
@ApiBearerAuth()
@Roles('department')
@Controller('v1/dept')
export class DeptController {
  constructor(private readonly dept: DeptService) {}

  @Get(':collection')
  @ApiOperation({ summary: "Page through the department's view (records it is entitled to, masked)" })
  @ApiParam({ name: 'collection', enum: Object.keys(KIND_PATHS) })
  @ApiOkResponse({ type: DeptPageDto })
  page(
    @Param('collection') collection: string,
    @Query() q: DeptQueryDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.dept.page(me, collection, q, rid);
  }

  @Get(':collection/:subject')
  @ApiOperation({ summary: 'One record of the view (404 when it is not in the department’s entitlement)' })
  @ApiParam({ name: 'collection', enum: Object.keys(KIND_PATHS) })
  @ApiQuery({ name: 'insurer', required: false, description: 'needed when several insurers use the same number' })
  @ApiOkResponse({ type: DeptRecordDto })
  get(
    @Param('collection') collection: string,
    @Param('subject') subject: string,
    @CurrentPrincipal() me: Principal,
    @Query('insurer') insurer?: string,
    @RequestId() rid?: string,
  ) {
    return this.dept.get(me, collection, subject, insurer, rid);
  }
}
