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
/** While the collector failed this recently, beaconed events are kept for a resend. */
const FAILING_MS = 300_000;

/**
 * One pending event: `a` failed attempts, `n` earliest next attempt, `l` locked (in flight)
 * until. Short names: this is what sits in the visitor's localStorage.
 */
interface Entry {
  e: TrackedEvent;
  a: number;
  n: number;
  l: number;
}
/** The persisted outbox: pending events and `f`, the time of the last failed request. */
interface Outbox {
  q: Entry[];
  f: number;
}

export interface Transport {
  /** Queues an event (persisted at once) and schedules a flush. */
  push(event: TrackedEvent): void;
  /** Sends every due event now (`fetch`, keepalive). */
  flush(): void;
  /** The page is going away: hands the rest to `sendBeacon`. */
  unload(): void;
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
 * On `pagehide` fresh events go through `sendBeacon`, which gives no answer: they are dropped
 * from the outbox when the browser accepts them, unless the collector failed in the last
 * {@link FAILING_MS} (then they are also kept for a resend by the next page).
 */
export function createTransport(site: string, endpoint: string, store: KeyValue): Transport {
  const key = `fw_ob_${site}`;
  const inFlight = new Set<string>();
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
    o.q = o.q.filter((x) => !(x.e.type === 'heartbeat' && x.e.ts < now - HEARTBEAT_TTL_MS));
    for (const x of o.q) {
      if (x.l > now || (!all && x.n > now) || inFlight.has(x.e.id)) continue;
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
    const now = Date.now();
    const o = read();
    const batch = take(o, now);
    if (!batch.length) return next(o, now);
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

  return {
    push(event) {
      const o = read();
      o.q.push({ e: event, a: 0, n: 0, l: 0 });
      if (o.q.length > OUTBOX_LIMIT) o.q.splice(0, o.q.length - OUTBOX_LIMIT);
      write(o);
      if (o.q.filter((x) => !x.a && !x.l).length >= FLUSH_SIZE) flush();
      else schedule(FLUSH_DELAY_MS);
    },
    flush,
    unload() {
      const now = Date.now();
      const o = read();
      const failing = now - o.f < FAILING_MS;
      // Our own in-flight requests may die with the page: unlock them for the next page.
      for (const x of o.q) if (inFlight.has(x.e.id)) x.l = 0;
      inFlight.clear();
      const sent = new Set<string>();
      for (let batch = take(o, now, true); batch.length; batch = take(o, now, true)) {
        const ok = navigator.sendBeacon?.(endpoint, body(batch));
        for (const x of batch) {
          inFlight.add(x.e.id); // only so that `take` moves on to the next batch
          if (ok && !failing && !x.a) sent.add(x.e.id);
        }
        if (!ok) break;
      }
      inFlight.clear();
      o.q = o.q.filter((x) => !sent.has(x.e.id));
      write(o);
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      inFlight.clear();
      store.set(key, null);
    },
  };
}
