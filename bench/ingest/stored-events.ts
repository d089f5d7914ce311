import { decodeStreamEntry, STREAM_ENTRY_FIELD } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';

/**
 * Events held in the event streams, counted by decoding every entry (a version 2 entry holds
 * the events of a whole batch, so `XLEN` counts batches, not events). Throws on a malformed
 * entry: the benchmark's streams hold only what the collector wrote.
 */
export async function countStoredEvents(redis: Redis, keys: RedisKeys): Promise<number> {
  let events = 0;
  for (const stream of keys.eventStreams()) {
    let start = '-';
    for (;;) {
      const page = await redis.xrange(stream, start, '+', 'COUNT', 5000);
      for (const [id, fields] of page) {
        const decoded = decodeStreamEntry(fields[fields.indexOf(STREAM_ENTRY_FIELD) + 1]);
        if (!decoded) throw new Error(`malformed stream entry ${stream} ${id}`);
        events += decoded.length;
      }
      if (page.length < 5000) break;
      start = `(${page.at(-1)![0]}`;
    }
  }
  return events;
}
