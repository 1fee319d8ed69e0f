import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@ajx/redis';
import type Redis from 'ioredis';

/**
 * GCRA (generic cell rate algorithm) in one Lua call: one key per principal, kept in Redis so the limit holds
 * across gateway instances; the server's clock is used so instances need not agree on time.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - burst * interval
if allow_at > now then
  return {0, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000)
return {1, 0}
`;

export interface RateDecision {
  allowed: boolean;
  /** When refused: how long to wait before the next attempt may pass. */
  retryAfterMs: number;
}

@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.redis.defineCommand('ajxGcra', { numberOfKeys: 1, lua: GCRA });
  }

  async take(key: string, perSecond: number, burst: number, cost = 1): Promise<RateDecision> {
    const [allowed, wait] = await (
      this.redis as unknown as { ajxGcra(k: string, i: number, b: number, c: number): Promise<[number, number]> }
    ).ajxGcra(`rate:${key}`, 1000 / perSecond, burst, cost);
    return { allowed: allowed === 1, retryAfterMs: Number(wait) };
  }
}
