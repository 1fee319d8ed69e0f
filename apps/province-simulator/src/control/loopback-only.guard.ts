import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** True for 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * The control API changes what the simulator does and erases its log: it answers only clients on this machine,
 * whatever address the HTTP server is bound to. (Proxy headers are ignored on purpose.)
 */
@Injectable()
export class LoopbackOnlyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new ForbiddenException('the control API answers loopback clients only');
    }
    return true;
  }
}
