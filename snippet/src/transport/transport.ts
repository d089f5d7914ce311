import type { TrackedEvent } from '@floorwalker/protocol';
import { guard, log } from '../core/guard.ts';
import type { KeyValue } from '../identity/storage.ts';
import { backoff } from './backoff.ts';

/** Wait after the first queued event before a batch goes out. */
export const FLUSH_DELAY_MS = 2000;
/** Queued events that make a batch go out at once. */
export const FLUSH_SIZE = 20;
/** Most events in one request (the collector accepts 100). */
const BATCH_EVENTS = 50;
/** Largest request body; `sendBeacon` and `fetch keepalive` allow 64 KiB in flight. */
const BATCH_CHARS = 48_000;
/** Most events kept while the collector is unreachable; the oldest go first. */
const OUTBOX_LIMIT = 500;
/** An in-flight batch is given up (and may be taken by another tab) after this long. */
const LOCK_MS = 15_000;
/** Heartbeats are presence signals: not worth resending after this long. */
const HEARTBEAT_TTL_MS = 120_000;
/** While the collector failed this recently, beaconed events are kept until a fetch of them succeeds. */
const FAILING_MS = 300_000;
/**
 * A beaconed event that no request ever saw fail is resent by a page that starts within this
 * long of the beacon, and dropped after: the collector drops repeated event ids for 10 minutes
 * (`DEDUPE_WINDOW_SECONDS`, default 600), so a later resend of a beacon that did arrive, the
 * usual case, would be stored twice.
 */
const BEACON_KEEP_MS = 540_000;
/** Events older than this are dropped unsent (a week offline; the collector clamps to 3 days). */
const MAX_AGE_MS = 7 * 86_400_000;

/**
 * One pending event: `a` failed attempts, `n` earliest next attempt, `l` locked (in flight)
 * until, `b` when it was first handed to `sendBeacon` (0: never). Short names: this is what
 * sits in the visitor's localStorage.
 */
interface Entry {
  e: TrackedEvent;
  a: number;
  n: number;
  l: number;
  b?: number;
}
/** The persisted outbox: pending events and `f`, the time of the last failed request. */
interface Outbox {
  q: Entry[];
  f: number;
}

export interface Transport {
  /**
   * Queues an event (persisted at once) and schedules a flush: within {@link FLUSH_DELAY_MS},
   * or in the next task when `now` (page views, which the live board shows at once).
   */
  push(event: TrackedEvent, now?: boolean): void;
  /** Sends every due event now (`fetch`, keepalive); after {@link unload}, by beacon. */
  flush(): void;
  /** The page is going away: hands the rest to `sendBeacon`. */
  unload(): void;
  /** The page is back from the back/forward cache: `fetch` again, beaconed events included. */
  resume(): void;
  /** Drops every pending event (opt-out). */
  clear(): void;
}

/**
 * At-least-once delivery of events to `POST <collector>/v1/events`.
 *
 * Every event is written to a localStorage outbox before anything is sent and removed only after
 * a 2xx (or a 4xx: the collector will never accept that batch). Failed events stay with their
 * ids and are retried with capped exponential backoff and jitter, by this page or by the next one
 * after a navigation; tabs of one site share the outbox, an in-flight lock keeps them from
 * sending the same events twice in the normal case, and the collector removes the duplicates the
 * abnormal cases produce (same event ids). Bodies are `text/plain` JSON, a CORS-safelisted
 * type, so no preflight is needed.
 *
 * On `pagehide` the rest goes through `sendBeacon`, which gives no answer (and says "queued"
 * even when the collector is down), so beaconed events stay in the outbox, marked with the
 * beacon's time: the next page sends them again with `fetch` together with its own page view,
 * and only that request's 2xx removes them (the collector drops the repeats of beacons that
 * did arrive). A beaconed event nobody saw fail is given up after {@link BEACON_KEEP_MS}, when
 * the collector could no longer tell a repeat; one sent while the collector was failing (or
 * that failed before) is kept until it is delivered, like any other. Bounds: {@link OUTBOX_LIMIT}
 * events, {@link MAX_AGE_MS}, heartbeats {@link HEARTBEAT_TTL_MS}.
 */
export function createTransport(site: string, endpoint: string, store: KeyValue): Transport {
  const key = `fw_ob_${site}`;
  const inFlight = new Set<string>();
  /**
   * Beaconed by this document since `unload`: skipped until `resume`, since the browser still
   * runs the page a moment after `pagehide` (`visibilitychange` follows), and a fetch started
   * then would lock them in the outbox for {@link LOCK_MS} and die with the page.
   */
  const beaconed = new Set<string>();
  let gone = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = 0;

  const read = (): Outbox => {
    try {
      const o = JSON.parse(store.get(key) ?? '') as Outbox;
      if (Array.isArray(o.q)) return o;
    } catch {}
    return { q: [], f: 0 };
  };
  const write = (o: Outbox) => {
    try {
      store.set(key, o.q.length || o.f ? JSON.stringify(o) : null);
    } catch {
      // Quota exceeded: keep the newest half rather than nothing.
      o.q = o.q.slice(o.q.length >> 1);
      store.set(key, JSON.stringify(o));
    }
  };
  const schedule = (delay: number) => {
    const at = Date.now() + delay;
    if (timer && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      guard(() => {
        timer = undefined;
        flush();
      }),
      delay,
    );
  };

  /** Takes the due, unlocked events (up to one batch) and locks them. */
  const take = (o: Outbox, now: number, all?: boolean): Entry[] => {
    const batch: Entry[] = [];
    let chars = 0;
    o.q = o.q.filter(
      (x) =>
        x.e.ts > now - (x.e.type === 'heartbeat' ? HEARTBEAT_TTL_MS : MAX_AGE_MS) &&
        !(x.b && !x.a && x.b < now - BEACON_KEEP_MS),
    );
    for (const x of o.q) {
      if (x.l > now || (!all && x.n > now) || inFlight.has(x.e.id) || beaconed.has(x.e.id)) continue;
      chars += JSON.stringify(x.e).length + 1;
      if (batch.length && (batch.length >= BATCH_EVENTS || chars > BATCH_CHARS)) break;
      batch.push(x);
    }
    return batch;
  };
  const body = (batch: Entry[]) =>
    JSON.stringify({ site, sentAt: Date.now(), events: batch.map((x) => x.e) });

  const settle = (ids: string[], ok: boolean, retryAfter: number) => {
    const now = Date.now();
    const o = read();
    const done = new Set(ids);
    for (const id of ids) inFlight.delete(id);
    if (ok) {
      o.q = o.q.filter((x) => !done.has(x.e.id));
      // The collector answers again: what waits for a retry need not wait out its backoff.
      if (o.f) for (const x of o.q) x.n = 0;
      o.f = 0;
    } else {
      o.f = now;
      for (const x of o.q) {
        if (!done.has(x.e.id)) continue;
        x.a++;
        x.l = 0;
        x.n = now + Math.max(backoff(x.a), retryAfter);
      }
    }
    write(o);
    log(ok ? 'sent' : 'send failed', ids.length);
    next(o, now);
  };
  /** Schedules the next flush: at once for due events, else at the earliest retry. */
  const next = (o: Outbox, now: number) => {
    let at = Infinity;
    for (const x of o.q) if (!inFlight.has(x.e.id)) at = Math.min(at, Math.max(x.n, x.l, now));
    if (at < Infinity) schedule(at - now);
  };

  const flush = () => {
    if (gone) return unload();
    const now = Date.now();
    const o = read();
    const count = o.q.length;
    const batch = take(o, now);
    if (!batch.length) {
      // What `take` dropped as too old is gone from storage too.
      if (o.q.length < count) write(o);
      return next(o, now);
    }
    for (const x of batch) {
      x.l = now + LOCK_MS;
      inFlight.add(x.e.id);
    }
    write(o);
    const payload = body(batch);
    const ids = batch.map((x) => x.e.id);
    fetch(endpoint, {
      method: 'POST',
      body: payload,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'omit',
      keepalive: payload.length < 60_000,
      signal: (AbortSignal as Partial<typeof AbortSignal>).timeout?.(10_000),
    }).then(
      guard((res: Response) => {
        const s = res.status;
        // 4xx other than 408/429 means this batch can never be accepted: retrying would only loop.
        const retry = s >= 500 || s === 408 || s === 429;
        settle(ids, !retry, retry ? Math.min(300, Number(res.headers.get('Retry-After')) || 0) * 1000 : 0);
      }),
      guard(() => settle(ids, false, 0)),
    );
  };

  function unload() {
    gone = true;
    const now = Date.now();
    const o = read();
    // Beacons are kept until delivered (not only for BEACON_KEEP_MS) while the collector fails.
    const failing = now - o.f < FAILING_MS;
    // Our own in-flight requests may die with the page: unlock them for the next page.
    for (const x of o.q) if (inFlight.has(x.e.id)) x.l = 0;
    inFlight.clear();
    for (let batch = take(o, now, true); batch.length; batch = take(o, now, true)) {
      if (!navigator.sendBeacon?.(endpoint, body(batch))) break;
      for (const x of batch) {
        beaconed.add(x.e.id);
        // The first beacon's time: the collector's dedupe window runs from its arrival.
        if (!failing) x.b ||= now;
      }
    }
    write(o);
  }

  return {
    push(event, now) {
      const o = read();
      o.q.push({ e: event, a: 0, n: 0, l: 0 });
      if (o.q.length > OUTBOX_LIMIT) o.q.splice(0, o.q.length - OUTBOX_LIMIT);
      write(o);
      if (o.q.filter((x) => !x.a && !x.l).length >= FLUSH_SIZE) flush();
      // One task later rather than at once: events recorded in the same task share the request.
      else schedule(now ? 0 : FLUSH_DELAY_MS);
    },
    flush,
    unload,
    resume() {
      gone = false;
      beaconed.clear();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      inFlight.clear();
      store.set(key, null);
    },
  };
}
