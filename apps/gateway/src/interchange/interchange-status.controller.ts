import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { InterchangeStatusDto } from './dto/interchange-status.dto';
import { InterchangeStatusService } from './interchange-status.service';

/** Operators: the interchange with the provincial systems at a glance (docs/interchange.md, console 交换状态). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin/interchange')
export class InterchangeStatusController {
  constructor(private readonly service: InterchangeStatusService) {}

  @Get('status')
  @ApiOperation({
    summary: 'Interchange status per endpoint (交换状态)',
    description:
      'Every endpoint configured here or run by the interchange service: state, watermark, last push and ' +
      'acknowledgement, pending events, the batch in flight, the last error; and the last pull of every province.',
  })
  @ApiOkResponse({ type: InterchangeStatusDto })
  status(): Promise<InterchangeStatusDto> {
    return this.service.status();
  }
}
