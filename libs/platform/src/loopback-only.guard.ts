import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** True for 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * For routes that only an operator on the machine itself may call (the simulator's control API, the interchange
 * service's status): they answer only clients on this machine, whatever address the HTTP server is bound to — the
 * Docker image binds 0.0.0.0. (Proxy headers are ignored on purpose: a local reverse proxy would make every client
 * look local, so do not put these routes behind one.)
 */
@Injectable()
export class LoopbackOnlyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new ForbiddenException(`${req.path} answers loopback clients only`);
    }
    return true;
  }
}
