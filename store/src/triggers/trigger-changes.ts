import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';

/**
 * Tells every engine that a site's triggers changed (the dashboard publishes after each save,
 * restore or delete) so cached rule sets are reloaded at once instead of on their next refresh.
 */
export function triggerChanges(redis: Redis, keys: RedisKeys) {
  const channel = keys.key('triggers', 'changed');
  return {
    /** Pub/sub channel; messages are site ids. */
    channel,
    async publish(siteId: string): Promise<void> {
      await redis.publish(channel, siteId);
    },
  };
}
export type TriggerChanges = ReturnType<typeof triggerChanges>;
