import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@ajx/identity';
import { PublicRoute } from '@ajx/observability';
import { CurrentPrincipal, RequestId, SessionId } from '../auth/auth.decorators';
import { ConsoleSessionService } from './console-session.service';
import { SessionDto, SignInDto } from './dto/console.dto';

/**
 * The console's sign-in (docs/console.md): `POST` with a user name and password sets the session cookie
 * (`HttpOnly; Secure; SameSite=Strict`) and returns the CSRF token; `GET` says who is signed in; `DELETE` signs out.
 */
@ApiTags('console')
@Controller('v1/console/session')
export class ConsoleSessionController {
  constructor(private readonly service: ConsoleSessionService) {}

  @Post()
  @PublicRoute()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  async signIn(
    @Body() dto: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @RequestId() rid?: string,
  ): Promise<SessionDto> {
    const { cookie, body } = await this.service.signIn(dto.username, dto.password, req.ip ?? null, rid);
    res.setHeader('Set-Cookie', cookie);
    return body;
  }

  @Get()
  @ApiOkResponse({ type: SessionDto })
  current(@CurrentPrincipal() me: Principal, @SessionId() sid: string | null) {
    return this.service.current(me, sid);
  }

  @Delete()
  @HttpCode(204)
  async signOut(
    @CurrentPrincipal() me: Principal,
    @SessionId() sid: string | null,
    @Res({ passthrough: true }) res: Response,
    @RequestId() rid?: string,
  ): Promise<void> {
    res.setHeader('Set-Cookie', await this.service.signOut(me, sid, rid));
  }
}
