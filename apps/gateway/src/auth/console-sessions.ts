import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@ajx/redis';
import type Redis from 'ioredis';
import { GatewayConfig } from '../gateway.config';

/** The cookie that carries a console session's id (HttpOnly, Secure, SameSite=Strict). */
export const SESSION_COOKIE = 'ajx_session';
/** The header a console request that changes state must carry, equal to its session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSession {
  userId: string;
  username: string;
  principalId: string;
  csrf: string;
  startedAt: number;
  /** Absolute end (AJX_CONSOLE_SESSION_MAX_HOURS after the sign-in), epoch ms. */
  endsAt: number;
}

const key = (id: string) => `console-session:${createHash('sha256').update(id).digest('hex')}`;
const userKey = (userId: string) => `console-user-sessions:${userId}`;

/** Constant-time comparison of two tokens (different lengths never match). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of one cookie of a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Console sessions, server-side in Redis: the browser holds only a random id (256 bits) in its cookie, Redis holds
 * the session under the id's SHA-256 (a dump of Redis gives no usable cookie). Each request pushes the idle expiry
 * forward up to the session's absolute end; signing out deletes it. Disabling a user or resetting its password ends
 * its sessions too: every request checks the account in the database (ConsoleUserService.resolve).
 */
@Injectable()
export class ConsoleSessions {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: GatewayConfig,
  ) {}

  private idleMs(): number {
    return this.config.AJX_CONSOLE_SESSION_IDLE_MINUTES * 60_000;
  }

  async start(
    s: Omit<ConsoleSession, 'csrf' | 'startedAt' | 'endsAt'>,
  ): Promise<{ id: string; session: ConsoleSession }> {
    const id = randomBytes(32).toString('base64url');
    const startedAt = Date.now();
    const session: ConsoleSession = {
      ...s,
      csrf: randomBytes(32).toString('base64url'),
      startedAt,
      endsAt: startedAt + this.config.AJX_CONSOLE_SESSION_MAX_HOURS * 3_600_000,
    };
    await this.redis
      .multi()
      .set(key(id), JSON.stringify(session), 'PX', this.idleMs())
      .sadd(userKey(s.userId), key(id))
      .pexpire(userKey(s.userId), this.config.AJX_CONSOLE_SESSION_MAX_HOURS * 3_600_000)
      .exec();
    return { id, session };
  }

  /** The live session of a cookie value (its idle expiry pushed forward), or null. */
  async resolve(id: string): Promise<ConsoleSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const raw = await this.redis.get(key(id));
    if (!raw) return null;
    const session = JSON.parse(raw) as ConsoleSession;
    const left = session.endsAt - Date.now();
    if (left <= 0) {
      await this.redis.del(key(id));
      return null;
    }
    await this.redis.pexpire(key(id), Math.min(this.idleMs(), left));
    return session;
  }

  async end(id: string): Promise<void> {
    const raw = await this.redis.get(key(id));
    await this.redis.del(key(id));
    if (raw) await this.redis.srem(userKey((JSON.parse(raw) as ConsoleSession).userId), key(id));
  }

  /** Ends every session of a user (a disable or a reset through the console). */
  async endAllOf(userId: string): Promise<void> {
    const keys = await this.redis.smembers(userKey(userId));
    if (keys.length) await this.redis.del(...keys);
    await this.redis.del(userKey(userId));
  }

  /** The Set-Cookie value of a session (no Max-Age: it ends with the browser, and server-side before that). */
  cookie(id: string): string {
    return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; Secure; SameSite=Strict`;
  }

  clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
  }
}
