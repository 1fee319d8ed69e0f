import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Principal, PRINCIPAL_TYPES } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import { AdminService } from './admin.service';
import { CredentialDto, IssueCredentialDto, IssuedCredentialDto } from './dto/credential.dto';
import { PrincipalDto, RegisterPrincipalDto, RegisteredPrincipalDto } from './dto/principal.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post('principals')
  @ApiOkResponse({ type: RegisteredPrincipalDto })
  register(@Body() dto: RegisterPrincipalDto, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.admin.register(dto, me, rid);
  }

  @Get('principals')
  @ApiQuery({ name: 'type', required: false, enum: PRINCIPAL_TYPES })
  @ApiOkResponse({ type: [PrincipalDto] })
  list(@Query('type') type?: string) {
    return this.admin.list(type);
  }

  @Get('principals/:id')
  @ApiOkResponse({ type: PrincipalDto })
  get(@Param('id') id: string) {
    return this.admin.get(id);
  }

  @Post('principals/:id/credentials')
  @ApiOkResponse({ type: IssuedCredentialDto })
  issue(
    @Param('id') id: string,
    @Body() dto: IssueCredentialDto,
    @CurrentPrincipal() me: Principal,
    @RequestId() rid?: string,
  ) {
    return this.admin.issue(id, dto, me, rid);
  }

  @Get('credentials')
  @ApiQuery({ name: 'principal', required: false })
  @ApiOkResponse({ type: [CredentialDto] })
  credentials(@Query('principal') principal?: string) {
    return this.admin.credentialsOf(principal);
  }

  @Delete('credentials/:id')
  @HttpCode(200)
  @ApiOkResponse({ type: CredentialDto })
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() me: Principal, @RequestId() rid?: string) {
    return this.admin.revoke(id, me, rid);
  }
}
