import type { StreamEntry } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { redisScript } from '../redis/redis-script.ts';

/** Field of a stream entry holding the JSON {@link StreamEntry}. */
export const STREAM_FIELD = 'e';

/**
 * Dedupe and append in one atomic step, per event: skip it when its `seen` key exists,
 * otherwise `XADD` it and only then set the `seen` key with the dedupe window as TTL.
 *
 * Marking after the append is what keeps delivery at-least-once: an id is only ever marked
 * seen once its event is in the stream, so a failed or interrupted append can never make the
 * client's retry look like a duplicate, and there are no marks to undo. (The obvious pipeline
 * of `SET NX` claims followed by `XADD`s needs the claims released after a failed append,
 * and that release is lost exactly when Redis is unreachable.) If a script errors half-way,
 * the events before the error are appended and marked, the rest are not; the retry then
 * reports the former as duplicates and appends the latter.
 *
 * KEYS: seen₁, stream₁, seen₂, stream₂, …  ARGV: window seconds, max length, json₁, json₂, …
 * Returns one 1 (appended) or 0 (duplicate) per event.
 */
const appendScript = redisScript(`
local window = tonumber(ARGV[1])
local maxlen = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local seen = KEYS[2 * i - 1]
  local stream = KEYS[2 * i]
  if window > 0 and redis.call('EXISTS', seen) == 1 then
    out[i] = 0
  else
    if maxlen > 0 then
      redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', '${STREAM_FIELD}', ARGV[i + 2])
    else
      redis.call('XADD', stream, '*', '${STREAM_FIELD}', ARGV[i + 2])
    end
    if window > 0 then redis.call('SET', seen, '1', 'EX', window) end
    out[i] = 1
  end
end
return out
`);

/** Options of {@link createAppender}. */
export interface AppenderOptions {
  /** Seconds an event id stays "seen"; 0 turns dedupe off. */
  dedupeWindowSeconds: number;
  /** Approximate cap (`MAXLEN ~`) of each stream; 0 = uncapped. */
  maxLength: number;
}

/** Result of one append: which entries went into the stream and which were dropped as duplicates. */
export interface AppendResult {
  appended: StreamEntry[];
  duplicates: StreamEntry[];
}

/**
 * Appends entries to the event streams (`keys.eventStream(keys.partitionOf(visitorId))`, so
 * one visitor's events stay ordered), dropping ids seen within the dedupe window under
 * `<prefix>:seen:<siteId>:<eventId>`. One round trip per batch. Throws when Redis fails; then
 * nothing after the failure point was marked seen, so the whole batch may be retried.
 *
 * Not for Redis Cluster: the script touches keys in several hash slots.
 */
export function createAppender(redis: Redis, keys: RedisKeys, options: AppenderOptions) {
  return {
    async append(entries: readonly StreamEntry[]): Promise<AppendResult> {
      if (entries.length === 0) return { appended: [], duplicates: [] };
      const scriptKeys: string[] = [];
      const args: (string | number)[] = [options.dedupeWindowSeconds, options.maxLength];
      for (const entry of entries) {
        scriptKeys.push(
          keys.key('seen', entry.siteId, entry.event.id),
          keys.eventStream(keys.partitionOf(entry.event.visitorId)),
        );
        args.push(JSON.stringify(entry));
      }
      const reply = await appendScript.run(redis, scriptKeys, args);
      if (!Array.isArray(reply) || reply.length !== entries.length) {
        throw new Error(`append script answered ${JSON.stringify(reply)?.slice(0, 100)}`);
      }
      const result: AppendResult = { appended: [], duplicates: [] };
      entries.forEach((entry, i) => {
        (Number(reply[i]) === 1 ? result.appended : result.duplicates).push(entry);
      });
      return result;
    },
  };
}
export type Appender = ReturnType<typeof createAppender>;
