import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { AddUserDto, ConsoleUserDto, DlqQueryDto, ResetUserDto, ResetUserResultDto } from './dto/console.dto';
import { OperatorConsoleService } from './operator-console.service';

/** Operators: console users, the DLQ over HTTP, and the audit chain's verification (docs/console.md). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin')
export class OperatorConsoleController {
  constructor(private readonly service: OperatorConsoleService) {}

  @Get('users')
  @ApiQuery({ name: 'principal', required: false })
  @ApiOkResponse({ type: [ConsoleUserDto] })
  users(@Query('principal') principal?: string) {
    return this.service.listUsers(principal);
  }

  @Post('users')
  @ApiOkResponse({ type: ConsoleUserDto })
  addUser(@Body() dto: AddUserDto, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.service.addUser(dto, me, rid);
  }

  @Post('users/:username/disable')
  @HttpCode(200)
  @ApiOkResponse({ type: ConsoleUserDto })
  disable(@Param('username') username: string, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.service.setEnabled(username, false, me, rid);
  }

  @Post('users/:username/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: ConsoleUserDto })
  enable(@Param('username') username: string, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.service.setEnabled(username, true, me, rid);
  }

  @Post('users/:username/reset')
  @HttpCode(200)
  @ApiOkResponse({ type: ResetUserResultDto })
  reset(
    @Param('username') username: string,
    @Body() dto: ResetUserDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.service.reset(username, dto.password, me, rid);
  }

  @Get('dlq')
  dlq(@Query() q: DlqQueryDto) {
    return this.service.listDlq({ ...q, limit: q.limit ?? 100 });
  }

  @Get('dlq/:id')
  dlqEntry(@Param('id') id: string) {
    return this.service.dlqEntry(id);
  }

  @Post('dlq/:id/redrive')
  @HttpCode(200)
  redrive(@Param('id') id: string, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.service.redrive(id, me, rid);
  }

  @Get('consumer-lag')
  consumerLag() {
    return this.service.consumerLag();
  }

  @Get('audit/verification')
  verifyAudit(@CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.service.verifyAudit(me, rid);
  }
}
