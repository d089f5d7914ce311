import type { VisitorSignal } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';

/** The stream field holding a signal's JSON (the engine reads `s`). */
export const SIGNAL_FIELD = 's';

/** Options of {@link createSignalWriter}. */
export interface SignalWriterOptions {
  /**
   * Approximate cap (`XADD MAXLEN ~`) of the signals stream; 0 = uncapped. Presence goes stale
   * in minutes, but invitation feedback feeds budgets, so keep it far above any backlog the engine
   * should survive. Default 0.
   */
  maxLength?: number;
}

/** Appends visitor signals to the Redis stream `keys.key('signals')`, field `s` = JSON. */
export function createSignalWriter(redis: Redis, keys: RedisKeys, options: SignalWriterOptions = {}) {
  const stream = keys.key('signals');
  const maxLength = options.maxLength ?? 0;
  return {
    stream,
    /** Resolves with the entry id once Redis has the signal; rejects when Redis fails. */
    async append(signal: VisitorSignal): Promise<string> {
      const json = JSON.stringify(signal);
      const id =
        maxLength > 0
          ? await redis.xadd(stream, 'MAXLEN', '~', maxLength, '*', SIGNAL_FIELD, json)
          : await redis.xadd(stream, '*', SIGNAL_FIELD, json);
      if (!id) throw new Error('XADD returned no id');
      return id;
    },
  };
}
export type SignalWriter = ReturnType<typeof createSignalWriter>;
