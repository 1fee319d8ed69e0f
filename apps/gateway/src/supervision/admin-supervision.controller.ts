import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { EvaluationRequestedDto, SupervisionRunDto } from './dto/ladder.dto';
import { SupervisionAdminService } from './supervision-admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin/supervision')
export class AdminSupervisionController {
  constructor(private readonly admin: SupervisionAdminService) {}

  @Post('evaluations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Evaluate every enterprise again now (the supervisor takes the job)' })
  @ApiAcceptedResponse({ type: EvaluationRequestedDto })
  reevaluate(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.admin.reevaluate(me, rid);
  }

  @Get('evaluations')
  @ApiOperation({ summary: 'The latest full evaluations: why, on which date, what they changed' })
  @ApiOkResponse({ type: [SupervisionRunDto] })
  runs() {
    return this.admin.latest();
  }
}
