import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CommonConfig, readSecretFile } from '@ajx/config';
import { type ReadinessCheck } from '@ajx/observability';
import Redis, { type RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * The process's Redis connection from its config: AJX_REDIS_URL, the password from AJX_REDIS_PASSWORD_FILE (replacing
 * any in the URL) and, for a `rediss://` URL, TLS.
 */
export function redisConnectionOptions(config: CommonConfig): RedisOptions {
  const options = redisOptions(config.AJX_REDIS_URL);
  if (config.AJX_REDIS_PASSWORD_FILE)
    options.password = readSecretFile('AJX_REDIS_PASSWORD_FILE', config.AJX_REDIS_PASSWORD_FILE);
  return options;
}

/** Connection options shared by the app's own client and BullMQ (which needs maxRetriesPerRequest null). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  };
}

@Injectable()
export class RedisReadiness implements ReadinessCheck {
  readonly name = 'redis';
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async check(): Promise<void> {
    await this.redis.ping();
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One ioredis client per process; keys are namespaced by AJX_REDIS_PREFIX. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [CommonConfig],
      useFactory: (config: CommonConfig) =>
        new Redis({ ...redisConnectionOptions(config), keyPrefix: `${config.AJX_REDIS_PREFIX}:` }),
    },
    RedisReadiness,
    RedisLifecycle,
  ],
  exports: [REDIS, RedisReadiness],
})
export class RedisModule {}
