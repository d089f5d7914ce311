import { createHash } from 'node:crypto';
import type { Redis } from '@floorwalker/store';

/**
 * A Lua script run with `EVALSHA`, falling back to `EVAL` (which also caches it) the first
 * time a Redis server has not seen it, e.g. after a restart.
 */
export function redisScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
