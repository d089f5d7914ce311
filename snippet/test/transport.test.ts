import type { TrackedEvent } from '@floorwalker/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyValue } from '../src/identity/storage.ts';
import { createTransport, FLUSH_DELAY_MS } from '../src/transport/transport.ts';

const SITE = 'shop';
const ENDPOINT = 'https://live.shop.test/v1/events';
const KEY = `fw_ob_${SITE}`;

function memory(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, get: (k) => data.get(k), set: (k, v) => (v == null ? data.delete(k) : data.set(k, v)) };
}

let counter = 0;
const event = (type: 'custom' | 'page_view' | 'heartbeat' = 'custom'): TrackedEvent =>
  ({
    id: `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    ts: Date.now(),
    type,
    visitorId: 'visitor-1',
    sessionId: 'session-1',
    pageViewId: 'pageview-1',
    url: 'https://shop.test/',
    ...(type === 'custom' ? { name: 'thing' } : {}),
    ...(type === 'heartbeat' ? { active: true } : {}),
  }) as TrackedEvent;

/** The page went away after `unload()`: its timers die with it. */
const leave = (transport: { unload(): void }) => {
  transport.unload();
  vi.clearAllTimers();
};

/** Ids in the request bodies (fetch or beacon), one array per request. */
const idsOf = (bodies: string[]) =>
  bodies.map((b) => (JSON.parse(b) as { events: TrackedEvent[] }).events.map((e) => e.id));
const pending = (store: KeyValue) =>
  (JSON.parse(store.get(KEY) ?? '{"q":[]}') as { q: { e: TrackedEvent; b?: number }[] }).q;

describe('transport', () => {
  let fetched: string[];
  let beaconed: string[];
  /** Status the stand-in collector answers fetches with (a thrown error for 0: unreachable). */
  let status: number;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_750_000_000_000 });
    // Backoff without jitter: retry times are known.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    fetched = [];
    beaconed = [];
    status = 200;
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      fetched.push(String(init.body));
      if (!status) throw new TypeError('Failed to fetch');
      return { status, headers: new Headers() } as Response;
    });
    // sendBeacon says "queued" whether or not the collector is up: that is the point.
    vi.stubGlobal('navigator', {
      sendBeacon: (_url: string, body: string) => {
        beaconed.push(body);
        return true;
      },
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('keeps beaconed events, resends them from the next page with the same ids, and forgets them after a 2xx', async () => {
    const store = memory();
    const first = createTransport(SITE, ENDPOINT, store);
    const events = [event(), event()];
    for (const e of events) first.push(e);
    leave(first);
    expect(idsOf(beaconed)).toEqual([events.map((e) => e.id)]);
    expect(fetched).toEqual([]);
    expect(pending(store).map((x) => [x.e.id, x.b])).toEqual(events.map((e) => [e.id, Date.now()]));

    const next = createTransport(SITE, ENDPOINT, store);
    next.push(event('page_view'), true);
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(fetched)).toHaveLength(1);
    expect(idsOf(fetched)[0]).toEqual(expect.arrayContaining(events.map((e) => e.id)));
    expect(store.get(KEY)).toBeUndefined();
    // Sent once, then never again.
    await vi.advanceTimersByTimeAsync(5 * FLUSH_DELAY_MS);
    expect(fetched).toHaveLength(1);
  });

  it('beacons only new events when the page still flushes after unload, and fetches again after resume', async () => {
    const store = memory();
    const transport = createTransport(SITE, ENDPOINT, store);
    const leaving = event();
    transport.push(leaving);
    transport.unload();
    const late = event(); // recorded by a visibilitychange that follows pagehide
    transport.push(late);
    transport.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetched).toEqual([]);
    expect(idsOf(beaconed)).toEqual([[leaving.id], [late.id]]);
    // Nothing locked: the next page may send them at once.
    expect(pending(store).map((x) => [x.e.id, (x as { l?: number }).l])).toEqual([
      [leaving.id, 0],
      [late.id, 0],
    ]);
    // Back from the back/forward cache: this page resends them itself.
    transport.resume();
    transport.push(event('page_view'), true);
    await vi.advanceTimersByTimeAsync(10);
    expect(idsOf(fetched)[0]).toEqual(expect.arrayContaining([leaving.id, late.id]));
    expect(store.get(KEY)).toBeUndefined();
  });

  it('retries beaconed events whose resend failed until one succeeds, past the dedupe window', async () => {
    const store = memory();
    const first = createTransport(SITE, ENDPOINT, store);
    const lost = event();
    first.push(lost);
    leave(first);
    status = 0; // the collector is down
    const next = createTransport(SITE, ENDPOINT, store);
    next.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(fetched)).toEqual([[lost.id]]);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect(fetched.length).toBeGreaterThan(3);
    expect(new Set(idsOf(fetched).flat())).toEqual(new Set([lost.id]));
    status = 200;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.get(KEY)).toBeUndefined();
    const calls = fetched.length;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(fetched).toHaveLength(calls);
  });

  it('drops a beaconed event nobody saw fail once the collector could no longer tell a repeat', async () => {
    const store = memory();
    const first = createTransport(SITE, ENDPOINT, store);
    first.push(event());
    leave(first);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const later = createTransport(SITE, ENDPOINT, store);
    const fresh = event('page_view');
    later.push(fresh, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(fetched)).toEqual([[fresh.id]]);
  });

  it('keeps events beaconed while the collector was failing until they are delivered', async () => {
    const store = memory();
    status = 503;
    const first = createTransport(SITE, ENDPOINT, store);
    const refused = event('page_view');
    first.push(refused, true);
    await vi.advanceTimersByTimeAsync(0);
    const unsent = event();
    first.push(unsent);
    leave(first);
    expect(idsOf(beaconed)).toEqual([[refused.id, unsent.id]]);
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    status = 200;
    const later = createTransport(SITE, ENDPOINT, store);
    later.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(fetched).at(-1)).toEqual([refused.id, unsent.id]);
    expect(store.get(KEY)).toBeUndefined();
  });

  it('sends a page view in the next task and batches other events for the flush delay', async () => {
    const store = memory();
    const transport = createTransport(SITE, ENDPOINT, store);
    const click = event();
    transport.push(click);
    await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS - 100);
    expect(fetched).toEqual([]);
    const view = event('page_view');
    transport.push(view, true);
    const alsoNow = event();
    transport.push(alsoNow); // recorded in the same task: shares the request
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(fetched)).toEqual([[click.id, view.id, alsoNow.id]]);
    const later = event();
    transport.push(later);
    await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS - 100);
    expect(fetched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(idsOf(fetched)[1]).toEqual([later.id]);
  });

  it('sends what waits out its backoff as soon as the collector answers again', async () => {
    const store = memory();
    status = 503;
    const transport = createTransport(SITE, ENDPOINT, store);
    const refused = event();
    transport.push(refused, true);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(30_000); // a few failed retries: the next one is seconds away
    status = 200;
    const view = event('page_view');
    transport.push(view, true);
    const before = fetched.length;
    await vi.advanceTimersByTimeAsync(10);
    // The next retry was due 17 s later; the first 2xx brings it forward.
    expect(idsOf(fetched.slice(before))).toEqual([[view.id], [refused.id]]);
    expect(store.get(KEY)).toBeUndefined();
  });

  it('drops heartbeats after two minutes and any event after a week, unsent', async () => {
    const store = memory();
    status = 0;
    const transport = createTransport(SITE, ENDPOINT, store);
    const beat = event('heartbeat');
    const kept = event();
    transport.push(beat);
    transport.push(kept);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(idsOf(fetched).at(-1)).toEqual([kept.id]);
    expect(pending(store).map((x) => x.e.id)).toEqual([kept.id]);
    vi.setSystemTime(Date.now() + 7 * 86_400_000);
    transport.flush();
    expect(pending(store)).toEqual([]);
  });
});
