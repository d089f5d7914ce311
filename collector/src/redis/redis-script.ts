import { createHash } from 'node:crypto';
import type { Redis } from '@floorwalker/store';

type Args = readonly (string | number | Buffer)[];

const isNoScript = (error: unknown) => String((error as Error | null)?.message).startsWith('NOSCRIPT');

/**
 * A Lua script run with `EVALSHA`, falling back to `EVAL` (which also caches it) the first
 * time a Redis server has not seen it, e.g. after a restart.
 */
export function redisScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  const script = {
    async run(redis: Redis, keys: readonly string[], args: Args): Promise<unknown> {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },

    /**
     * Runs of this script on `redis` that are asked for during one turn of the event loop are
     * sent together, as one pipeline, when the turn ends (`setImmediate`): one socket write and
     * one read instead of one per call. Under load the requests handled in one turn (every
     * socket that was readable) share it; when idle a call waits for nothing but the end of
     * the current turn. Each call still gets its own answer or error.
     */
    batched(redis: Redis) {
      let queue: {
        keys: readonly string[];
        args: Args;
        resolve(v: unknown): void;
        reject(e: unknown): void;
      }[] = [];
      const flush = () => {
        const calls = queue;
        queue = [];
        if (calls.length === 1) {
          const only = calls[0]!;
          script.run(redis, only.keys, only.args).then(only.resolve, only.reject);
          return;
        }
        const pipeline = redis.pipeline();
        for (const c of calls) pipeline.evalsha(sha, c.keys.length, ...c.keys, ...c.args);
        pipeline.exec().then(
          (results) => {
            calls.forEach((c, i) => {
              const [error, reply] = results?.[i] ?? [new Error('no reply in pipeline'), null];
              if (!error) c.resolve(reply);
              else if (isNoScript(error)) script.run(redis, c.keys, c.args).then(c.resolve, c.reject);
              else c.reject(error);
            });
          },
          (error: unknown) => {
            for (const c of calls) c.reject(error);
          },
        );
      };
      return {
        run(keys: readonly string[], args: Args): Promise<unknown> {
          return new Promise((resolve, reject) => {
            if (queue.push({ keys, args, resolve, reject }) === 1) setImmediate(flush);
          });
        },
      };
    },
  };
  return script;
}
