import { Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Principal } from '@ajx/identity';
import { CurrentPrincipal, RequestId, Roles } from '../auth/auth.decorators';
import {
  RegisterPageDto,
  RegisterQueryDto,
  RegisterRejectedDto,
  RegisterVersionDto,
  RegisterVersionsQueryDto,
} from './dto/register.dto';
import { RegisterService } from './register.service';
import type { IncomingBody } from '../http/incoming-upload';
import { RawBody } from '../http/json-body';
import { Upload } from '../http/upload-body';

const LINE_FORMAT =
  'NDJSON, one enterprise per line: {"uscc", "name", "regionCode" (county code), "sector", "industryCode"?, ' +
  '"employeeCount"?, "address"?, "note"?, "alternative"? ("risk_deposit" or null)}. Every line is checked (USCC check character, current county code within ' +
  'the scope, sector); one invalid line refuses the whole submission (422 with every problem by line).';

@ApiTags('register')
@ApiBearerAuth()
@Controller('v1')
export class RegisterController {
  constructor(private readonly register: RegisterService) {}

  @Put('interchange/register')
  @RawBody()
  @HttpCode(201)
  @Roles('province')
  @ApiOperation({
    summary: 'The province sends its must-insure register down (应保企业名录)',
    description: `Replaces the current register of the whole province; becomes a new version. ${LINE_FORMAT}`,
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: RegisterVersionDto })
  @ApiUnprocessableEntityResponse({ type: RegisterRejectedDto, description: 'INVALID_REGISTER: nothing was recorded' })
  provincial(
    @CurrentPrincipal() me: Principal,
    @Upload() body: IncomingBody,
    @RequestId() rid?: string,
  ): Promise<RegisterVersionDto> {
    return this.register.submit(me, 'province', body, rid);
  }

  @Put('dept/register')
  @RawBody()
  @HttpCode(201)
  @Roles('department')
  @ApiOperation({
    summary: "A department submits its jurisdiction's compilation of the must-insure register (调查摸底、登记造册)",
    description:
      'Replaces the current register of the jurisdiction (and of the sectors the department kind supervises); ' +
      `becomes a new version. ${LINE_FORMAT}`,
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: RegisterVersionDto })
  @ApiUnprocessableEntityResponse({ type: RegisterRejectedDto, description: 'INVALID_REGISTER: nothing was recorded' })
  departmental(
    @CurrentPrincipal() me: Principal,
    @Upload() body: IncomingBody,
    @RequestId() rid?: string,
  ): Promise<RegisterVersionDto> {
    return this.register.submit(me, 'department', body, rid);
  }

  @Get('register')
  @Roles('department', 'province', 'operator')
  @ApiOperation({
    summary: 'The current must-insure register (or one version of it) within the caller’s scope',
    description: 'Filters: region (code or prefix), sector, uscc, version; pages by uscc (`next` → `after`).',
  })
  @ApiOkResponse({ type: RegisterPageDto })
  entries(
    @CurrentPrincipal() me: Principal,
    @Query() q: RegisterQueryDto,
    @RequestId() rid?: string,
  ): Promise<RegisterPageDto> {
    return this.register.entries(me, q, rid);
  }

  @Get('register/versions')
  @Roles('department', 'province', 'operator')
  @ApiOperation({ summary: 'Register versions whose scope overlaps the caller’s (newest first)' })
  @ApiOkResponse({ type: [RegisterVersionDto] })
  versions(
    @CurrentPrincipal() me: Principal,
    @Query() q: RegisterVersionsQueryDto,
    @RequestId() rid?: string,
  ): Promise<RegisterVersionDto[]> {
    return this.register.versions(me, q, rid);
  }
}
