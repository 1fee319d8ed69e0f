import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CommonConfig, readPemFile, readSecretFile } from '@ajx/config';
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
  if (options.tls) {
    // node's defaults verify the chain and the host name; the files add a private CA and a client certificate.
    if (config.AJX_REDIS_TLS_CA_FILE)
      options.tls.ca = readPemFile('AJX_REDIS_TLS_CA_FILE', config.AJX_REDIS_TLS_CA_FILE);
    if (config.AJX_REDIS_TLS_CERT_FILE) {
      options.tls.cert = readPemFile('AJX_REDIS_TLS_CERT_FILE', config.AJX_REDIS_TLS_CERT_FILE);
      options.tls.key = readPemFile('AJX_REDIS_TLS_KEY_FILE', config.AJX_REDIS_TLS_KEY_FILE);
    }
  } else if (config.AJX_REDIS_TLS_CA_FILE || config.AJX_REDIS_TLS_CERT_FILE) {
    throw new Error('AJX_REDIS_TLS_* files are set but AJX_REDIS_URL is not a rediss:// URL (TLS would not be used)');
  }
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
    tls: u.protocol === 'rediss:' ? { servername: u.hostname } : undefined,
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
