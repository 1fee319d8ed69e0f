import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { REDIS } from '@ajx/redis';
import type Redis from 'ioredis';

/**
 * Takes a slot when fewer than ARGV[1] live leases are held: one sorted set per insurer, member = lease id, score =
 * when it expires (the Redis server's clock). Expired leases (an instance that died holding them) are dropped first.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= max then return {0, held} end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl + 1000)
return {1, held + 1}
`;

/** Extends a lease still held (XX: a lease that expired and was dropped is not brought back). */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local n = redis.call('ZADD', KEYS[1], 'XX', 'CH', now + ttl, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl + 1000)
return n
`;

export type SlotDecision = { ok: true; release: () => Promise<void> } | { ok: false; held: number };

/**
 * The uploads an insurer has in flight, counted across every gateway instance (issue 21): each upload holds a lease
 * in Redis, renewed while it runs and released when it ends; a lease of an instance that died expires after
 * `leaseMs`, so its slots come back without anyone cleaning up.
 */
@Injectable()
export class UploadSlots implements OnApplicationShutdown {
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.redis.defineCommand('ajxSlotAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis.defineCommand('ajxSlotRenew', { numberOfKeys: 1, lua: RENEW });
  }

  private get commands(): {
    ajxSlotAcquire(k: string, max: number, ttl: number, id: string): Promise<[number, number]>;
    ajxSlotRenew(k: string, ttl: number, id: string): Promise<number>;
  } {
    return this.redis as unknown as UploadSlots['commands'];
  }

  static key(insurer: string): string {
    return `uploads-in-flight:${insurer}`;
  }

  async acquire(insurer: string, max: number, leaseMs: number): Promise<SlotDecision> {
    const id = randomUUID();
    const key = UploadSlots.key(insurer);
    const [ok, held] = await this.commands.ajxSlotAcquire(key, max, leaseMs, id);
    if (ok !== 1) return { ok: false, held: Number(held) };
    const timer = setInterval(
      () => void this.commands.ajxSlotRenew(key, leaseMs, id).catch(() => undefined),
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    this.renewals.add(timer);
    let released = false;
    return {
      ok: true,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        this.renewals.delete(timer);
        // A release that fails (Redis away) is not retried: the lease expires by itself.
        await this.redis.zrem(key, id).catch(() => undefined);
      },
    };
  }

  onApplicationShutdown(): void {
    for (const t of this.renewals) clearInterval(t);
    this.renewals.clear();
  }
}
