import { Redis, type RedisOptions } from 'ioredis';

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** Name shown in `CLIENT LIST`. */
  name?: string;
  /**
   * BullMQ workers need `maxRetriesPerRequest: null`; everything else keeps ioredis'
   * default so commands fail instead of hanging forever while Redis is down.
   */
  forBullmq?: boolean;
}

/** Creates an ioredis connection (the client BullMQ uses too). */
export function connectRedis(url: string, options: ConnectRedisOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    enableReadyCheck: true,
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.forBullmq ? { maxRetriesPerRequest: null } : {}),
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
  };
  return new Redis(url, redisOptions);
}

export type { Redis } from 'ioredis';
