import {
  type Enrichment,
  STREAM_ENTRY_FIELD,
  STREAM_ENTRY_VERSION,
  type TrackedEvent,
} from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { redisScript } from '../redis/redis-script.ts';

/** Field of a stream entry holding its JSON body. */
export const STREAM_FIELD = STREAM_ENTRY_FIELD;

/**
 * Dedupe and append in one atomic step. An event is a duplicate when its id was marked seen
 * within the dedupe window (or an earlier event of the same call has its id); the new events of
 * each partition are joined into ONE version 2 stream entry (`streamBatchEntry` in protocol: the
 * shared head with site, receive time and enrichment, then `events` and `serverTs` in batch
 * order), `XADD`ed, and only then are their ids marked seen.
 *
 * Marking after the append is what keeps delivery at-least-once: an id is only ever marked
 * seen once its event is in the stream, so a failed or interrupted append can never make the
 * client's retry look like a duplicate, and there are no marks to undo. (The obvious pipeline
 * of `SET NX` claims followed by `XADD`s needs the claims released after a failed append,
 * and that release is lost exactly when Redis is unreachable.) If a script errors half-way,
 * the partitions before the error are appended and marked, the rest are not; the retry then
 * reports the former as duplicates and appends the latter.
 *
 * Seen ids are fields of one hash per site and window-long time bucket
 * (`<prefix>:seen:<siteId>:<window>:<bucket>`), valued with the time their window ends; a
 * bucket lives two windows. An id marked at t is found in its bucket or the next one until
 * t + window, exactly (both buckets are read). One `HSET` and two `HMGET`s per call cost Redis a
 * fraction of a key with its own TTL per event (`SET … EX` plus its propagation to the AOF).
 * Times are the collector's clock (the batch's receive time).
 *
 * Each partition's events arrive already joined (`ev₁,ev₂,…` as JSON, and `ts₁,ts₂,…`): with no
 * duplicate among them, the usual case, the entry is the head plus those two strings. With
 * duplicates, the events are cut out by their byte lengths and the new ones joined again, so
 * the answer still takes one round trip and no JSON library runs in Lua (cjson would rewrite
 * numbers).
 *
 * KEYS: stream₁ … streamₚ, current seen bucket, previous seen bucket.
 * ARGV: window ms (0 = no dedupe), max length, now ms, head (`{"v":2,…,"events":[`), then per
 * partition: its events' ids (`id₁,id₂,…`), the joined events, the joined server times, the
 * events' byte lengths (`l₁,l₂,…`).
 * Returns one 1 (appended) or 0 (duplicate) per event, partition by partition.
 */
const appendScript = redisScript(`
local window = tonumber(ARGV[1])
local maxlen = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local head = ARGV[4]
local p = #KEYS - 2
local current, previous = KEYS[p + 1], KEYS[p + 2]
local function split(text)
  local list = {}
  for item in string.gmatch(text, '[^,]+') do list[#list + 1] = item end
  return list
end
local ids, all = {}, {}
for part = 1, p do
  ids[part] = split(ARGV[1 + 4 * part])
  for _, id in ipairs(ids[part]) do all[#all + 1] = id end
end
local inCurrent, inPrevious = {}, {}
if window > 0 then
  inCurrent = redis.call('HMGET', current, unpack(all))
  inPrevious = redis.call('HMGET', previous, unpack(all))
end
local out = {}
local claimed = {}
local k = 0
local until_ = now + window
for part = 1, p do
  local at = 1 + 4 * part
  local list = ids[part]
  local n = #list
  local events, times = ARGV[at + 1], ARGV[at + 2]
  local fresh, marks = {}, {}
  for i = 1, n do
    local id = list[i]
    local seenUntil = math.max(tonumber(inCurrent[k + i]) or 0, tonumber(inPrevious[k + i]) or 0)
    if window > 0 and (claimed[id] or seenUntil > now) then
      out[#out + 1] = 0
    else
      claimed[id] = true
      fresh[#fresh + 1] = i
      marks[#marks + 1] = id
      marks[#marks + 1] = until_
      out[#out + 1] = 1
    end
  end
  if #fresh > 0 then
    if #fresh < n then
      local lens, ts = split(ARGV[at + 3]), split(times)
      local starts, pos = {}, 1
      for i = 1, n do
        starts[i] = pos
        pos = pos + tonumber(lens[i]) + 1
      end
      local keptEvents, keptTimes = {}, {}
      for j, i in ipairs(fresh) do
        keptEvents[j] = string.sub(events, starts[i], starts[i] + tonumber(lens[i]) - 1)
        keptTimes[j] = ts[i]
      end
      events, times = table.concat(keptEvents, ','), table.concat(keptTimes, ',')
    end
    local body = head .. events .. '],"serverTs":[' .. times .. ']}'
    if maxlen > 0 then
      redis.call('XADD', KEYS[part], 'MAXLEN', '~', maxlen, '*', '${STREAM_FIELD}', body)
    else
      redis.call('XADD', KEYS[part], '*', '${STREAM_FIELD}', body)
    end
    if window > 0 then
      redis.call('HSET', current, unpack(marks))
      redis.call('PEXPIRE', current, 2 * window + 1000, 'NX')
    end
  end
  k = k + n
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

/** The valid events of one batch, with what the collector adds to them. */
export interface AppendInput {
  siteId: string;
  /** When the collector received the batch, epoch ms. */
  receivedAt: number;
  enrichment: Enrichment;
  events: readonly TrackedEvent[];
  /** Server-clock time of each event, epoch ms, parallel to `events`. */
  serverTs: readonly number[];
}

/** Result of one append: per event (in input order), whether it went into a stream or was a duplicate. */
export interface AppendResult {
  appended: TrackedEvent[];
  duplicates: number;
}

/**
 * Appends the events of a batch to the event streams, one entry per partition
 * (`keys.eventStream(keys.partitionOf(visitorId))`, so one visitor's events stay ordered),
 * dropping ids seen within the dedupe window (see the script above). One script call per batch;
 * the calls of concurrent requests go to Redis in one pipeline. Throws when Redis fails; then
 * nothing after the failure point was marked seen, so the whole batch may be retried.
 *
 * Not for Redis Cluster: the script touches keys in several hash slots.
 */
export function createAppender(redis: Redis, keys: RedisKeys, options: AppenderOptions) {
  const windowMs = options.dedupeWindowSeconds * 1000;
  const maxLength = options.maxLength;
  // Concurrent requests share round trips and socket writes (see `batched`).
  const script = appendScript.batched(redis);
  return {
    async append(input: AppendInput): Promise<AppendResult> {
      const { events, serverTs } = input;
      if (events.length === 0) return { appended: [], duplicates: 0 };
      const head = JSON.stringify({
        v: STREAM_ENTRY_VERSION,
        siteId: input.siteId,
        receivedAt: input.receivedAt,
        enrichment: input.enrichment,
      });
      // Group by partition, in order of first appearance; a batch is normally one visitor,
      // so one partition. `order` maps the script's answers (partition by partition) back.
      const groups: { stream: string; indexes: number[] }[] = [];
      let lastVisitor: string | undefined;
      let group: { stream: string; indexes: number[] } | undefined;
      for (let i = 0; i < events.length; i++) {
        const visitorId = events[i]!.visitorId;
        if (visitorId !== lastVisitor) {
          const stream = keys.eventStream(keys.partitionOf(visitorId));
          group = groups.find((g) => g.stream === stream);
          if (!group) {
            group = { stream, indexes: [] };
            groups.push(group);
          }
          lastVisitor = visitorId;
        }
        group!.indexes.push(i);
      }
      const scriptKeys: string[] = groups.map((g) => g.stream);
      // The request's receive time is the dedupe clock (one reading per batch, testable).
      const now = input.receivedAt;
      const bucket = windowMs > 0 ? Math.floor(now / windowMs) : 0;
      const seen = (b: number) =>
        keys.key('seen', input.siteId, String(options.dedupeWindowSeconds), String(b));
      scriptKeys.push(seen(bucket), seen(bucket - 1));
      const args: (string | number | Buffer)[] = [
        windowMs,
        maxLength,
        now,
        `${head.slice(0, -1)},"events":[`,
      ];
      const order: number[] = [];
      for (const g of groups) {
        const ids: string[] = new Array(g.indexes.length);
        const json: string[] = new Array(g.indexes.length);
        const times: number[] = new Array(g.indexes.length);
        const lengths: number[] = new Array(g.indexes.length);
        g.indexes.forEach((index, j) => {
          const event = events[index]!;
          ids[j] = event.id;
          json[j] = JSON.stringify(event);
          times[j] = serverTs[index]!;
          lengths[j] = Buffer.byteLength(json[j]!);
          order.push(index);
        });
        // A Buffer goes to the socket as it is; a long string (often two-byte: any non-Latin-1
        // character in a title) would be flattened and re-encoded by ioredis on every write.
        args.push(ids.join(','), Buffer.from(json.join(',')), times.join(','), lengths.join(','));
      }
      const reply = await script.run(scriptKeys, args);
      if (!Array.isArray(reply) || reply.length !== events.length) {
        throw new Error(`append script answered ${JSON.stringify(reply)?.slice(0, 100)}`);
      }
      const fresh: boolean[] = new Array(events.length);
      order.forEach((index, j) => {
        fresh[index] = Number(reply[j]) === 1;
      });
      const result: AppendResult = { appended: [], duplicates: 0 };
      for (let i = 0; i < events.length; i++) {
        if (fresh[i]) result.appended.push(events[i]!);
        else result.duplicates++;
      }
      return result;
    },
  };
}
export type Appender = ReturnType<typeof createAppender>;
