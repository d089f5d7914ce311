import { randomUUID } from 'node:crypto';
import type { StreamBatchEntry, StreamEntry, TrackedEvent } from '@floorwalker/protocol';
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

/**
 * Appends entries to the partition stream of their visitor, as the collector does: by default
 * as version 2 entries, consecutive entries of one visitor with the same receive time and
 * enrichment (one snippet batch) sharing one stream entry; `version: 1` writes one entry per event
 * (what older collectors wrote). Returns the stream ids.
 */
export async function append(
  redis: Redis,
  keys: RedisKeys,
  entries: readonly StreamEntry[],
  options: { version?: 1 | 2 } = {},
): Promise<string[]> {
  const bodies: { visitorId: string; body: string }[] = [];
  if (options.version === 1) {
    for (const e of entries) bodies.push({ visitorId: e.event.visitorId, body: JSON.stringify(e) });
  } else {
    let batch: StreamBatchEntry | undefined;
    for (const e of entries) {
      const same =
        batch &&
        batch.siteId === e.siteId &&
        batch.events[0]?.visitorId === e.event.visitorId &&
        batch.receivedAt === e.receivedAt &&
        JSON.stringify(batch.enrichment) === JSON.stringify(e.enrichment);
      if (batch && same) {
        batch.events.push(e.event);
        batch.serverTs.push(e.serverTs);
        continue;
      }
      if (batch) bodies.push({ visitorId: batch.events[0]!.visitorId, body: JSON.stringify(batch) });
      batch = {
        v: 2,
        siteId: e.siteId,
        receivedAt: e.receivedAt,
        enrichment: e.enrichment,
        events: [e.event],
        serverTs: [e.serverTs],
      };
    }
    if (batch) bodies.push({ visitorId: batch.events[0]!.visitorId, body: JSON.stringify(batch) });
  }
  const pipeline = redis.pipeline();
  for (const b of bodies) pipeline.xadd(keys.eventStream(keys.partitionOf(b.visitorId)), '*', 'e', b.body);
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
