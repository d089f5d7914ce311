import { randomUUID } from 'node:crypto';
import { decodeStreamEntry, type TrackedEvent } from '@floorwalker/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { createAppender } from '../../src/ingest/append-events.ts';

const enrichment = { device: 'desktop', browser: 'Chrome', os: 'Linux', country: 'DE', isBot: false };
const WINDOW_S = 60;

function event(visitorId = 'visitor_0001'): TrackedEvent {
  return {
    type: 'heartbeat',
    id: randomUUID(),
    ts: 1,
    visitorId,
    sessionId: 'session_0001',
    pageViewId: 'pageview_0001',
    url: 'https://shop.example/',
  };
}

let r: TestRedis;
beforeAll(async () => {
  r = await openTestRedis();
});
afterAll(async () => {
  await r?.cleanup();
});

describe('createAppender', () => {
  const append = (events: TrackedEvent[], receivedAt: number) =>
    createAppender(r.redis, r.keys, { dedupeWindowSeconds: WINDOW_S, maxLength: 0 }).append({
      siteId: 'site_append',
      receivedAt,
      enrichment,
      events,
      serverTs: events.map(() => receivedAt),
    });
  const storedIds = async () => {
    const ids: string[] = [];
    for (const stream of r.keys.eventStreams())
      for (const [, fields] of await r.redis.xrange(stream, '-', '+'))
        ids.push(...(decodeStreamEntry(fields[1], { check: 'full' }) ?? []).map((e) => e.event.id));
    return ids;
  };

  it('remembers an id for exactly the window, across the boundary of its time bucket', async () => {
    const windowMs = WINDOW_S * 1000;
    // Marked 1 ms before its bucket ends: the retry 2 ms later reads the next bucket.
    const markedAt = (Math.floor(Date.now() / windowMs) + 1) * windowMs - 1;
    const e = event();
    expect((await append([e], markedAt)).appended).toEqual([e]);
    expect(await append([e], markedAt + 2)).toEqual({ appended: [], duplicates: 1 });
    expect(await append([e], markedAt + windowMs - 1)).toEqual({ appended: [], duplicates: 1 });
    // The window has passed: accepted (and remembered) again.
    expect((await append([e], markedAt + windowMs)).appended).toEqual([e]);
    expect(await append([e], markedAt + windowMs + 1)).toEqual({ appended: [], duplicates: 1 });
    expect((await storedIds()).filter((id) => id === e.id)).toHaveLength(2);
  });

  it('answers each concurrent batch for its own events (one pipeline, separate answers)', async () => {
    const now = Date.now();
    const shared = event('visitor_0002');
    const batches = Array.from({ length: 20 }, (_, i) => [event(`visitor_c${String(i).padStart(7, '0')}`)]);
    batches[7]!.push(shared);
    batches[13]!.push(shared);
    const results = await Promise.all(batches.map((b) => append(b, now)));
    expect(results.reduce((n, res) => n + res.appended.length, 0)).toBe(21);
    expect(results.reduce((n, res) => n + res.duplicates, 0)).toBe(1);
    expect(results[7]!.appended.concat(results[13]!.appended)).toContainEqual(shared);
    results.forEach((res, i) => {
      expect(res.appended[0]).toEqual(batches[i]![0]);
    });
  });
});
