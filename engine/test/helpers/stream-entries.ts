import { randomUUID } from 'node:crypto';
import type { StreamEntry, TrackedEvent } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';

type EventInput = Partial<TrackedEvent> & Pick<TrackedEvent, 'type'> & Record<string, unknown>;

/** A valid stream entry; `event` fields override the defaults. */
export function entry(
  event: EventInput,
  options: { siteId?: string; serverTs?: number; enrichment?: Partial<StreamEntry['enrichment']> } = {},
): StreamEntry {
  const serverTs = options.serverTs ?? Date.now();
  return {
    siteId: options.siteId ?? 'site_test',
    serverTs,
    receivedAt: serverTs + 5,
    enrichment: {
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'DE',
      isBot: false,
      ...options.enrichment,
    },
    event: {
      id: randomUUID(),
      ts: serverTs,
      visitorId: 'visitor_00000001',
      sessionId: 'session_0000001',
      pageViewId: 'pageview_000001',
      url: 'https://shop.example/',
      title: 'Shop',
      ...event,
    } as TrackedEvent,
  };
}

/** Appends entries to the partition stream of their visitor, as the collector does. */
export async function append(
  redis: Redis,
  keys: RedisKeys,
  entries: readonly StreamEntry[],
): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const e of entries) {
    pipeline.xadd(keys.eventStream(keys.partitionOf(e.event.visitorId)), '*', 'e', JSON.stringify(e));
  }
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, id]) => {
    if (error) throw error;
    return String(id);
  });
}

/** Polls until `check` returns a truthy value (returned) or the time is up (throws). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Entries pending (read, not acknowledged) in a group over all partitions. */
export async function pendingCount(redis: Redis, keys: RedisKeys, group: string): Promise<number> {
  let total = 0;
  for (const stream of keys.eventStreams()) {
    const summary = (await redis.xpending(stream, group).catch(() => [0])) as [number];
    total += Number(summary[0]);
  }
  return total;
}
