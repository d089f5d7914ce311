import type { TrackedEvent } from '@floorwalker/protocol';
import { type ChunkContext, loadChunk } from '../chunks/load-chunk.ts';
import { createIdentity, SESSION_TIMEOUT_MS } from '../identity/identity.ts';
import { randomId } from '../identity/random-id.ts';
import { openStores } from '../identity/storage.ts';
import { optOut, privacySignal } from '../privacy/consent.ts';
import { type Engagement, trackEngagement } from '../tracking/engagement.ts';
import { cleanProps, type EventFields, eventFields } from '../tracking/event-fields.ts';
import { routeOf, watchRoutes } from '../tracking/route-changes.ts';
import { createTransport } from '../transport/transport.ts';
import { capturePage, type EarlyPage, takeEarlyPages } from './early-page.ts';
import { guard, log, setDebug } from './guard.ts';

/** Presence heartbeat (and periodic engagement) interval while the page is visible. */
export const HEARTBEAT_MS = 15_000;

export interface TrackerOptions {
  /** Public site key (the script tag's `data-site`). Required. */
  site: string;
  /** Collector base URL (`https://live.shop.example`); events go to `<collector>/v1/events`. Required. */
  collector: string;
  /** Track nobody whose browser sends Do Not Track or Global Privacy Control. Default false. */
  respectDnt?: boolean;
  /** Log what the snippet does to the console. Default false (silent). */
  debug?: boolean;
  /**
   * Record the first page view and every history/hash route change automatically. Default true;
   * with false, call `page()` on every route change yourself.
   */
  autoPageViews?: boolean;
  /**
   * Load the realtime part (visitor socket, invitations, chat widget) once the page has loaded.
   * Default true; false for analytics only.
   */
  realtime?: boolean;
}

/** The public API: `floorwalker('track', …)` with the tag, `init(…).track(…)` as a module. */
export interface FloorwalkerApi {
  /**
   * Records an event. `add_to_cart`, `remove_from_cart`, `checkout_started` and `purchase` are
   * shop events (`value`, `currency`, `sku`, `quantity`, and for a purchase `orderId`, are
   * fields; other properties go to `props`); any other name is a custom event.
   */
  track(name: string, props?: Record<string, unknown>): void;
  /** Attaches traits (`email`, `name`, `plan`, …) to the visitor. A string is taken as `{ id }`. */
  identify(traits: Record<string, unknown> | string, more?: Record<string, unknown>): void;
  /** Records a page view of the current URL (only needed with `autoPageViews: false`). */
  page(): void;
  /** Stops tracking this visitor for good (persisted), forgets their ids and pending events. */
  optout(): void;
  /** Undoes `optout()`; tracking starts again with a new visitor id. */
  optin(): void;
  /** Sends pending events now. */
  flush(): void;
  /** Loads a lazily built part (`snippet-<name>.js` next to the snippet) once and starts it. */
  load(name: string): Promise<unknown>;
}

/** A well-formed event id from storage (anything else gets a fresh one). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isConsent = (name: unknown) => name === 'optout' || name === 'optin';
/** The time and event id of an early call; what storage may have mangled is replaced. */
const stampOf = (ts: unknown, id: unknown) => ({
  ts: Number.isSafeInteger(ts) && (ts as number) > 0 ? (ts as number) : Date.now(),
  id: UUID.test(String(id)) ? (id as string) : undefined,
});

/**
 * Builds the tracker and starts it unless the visitor opted out (or sends DNT/GPC and the site
 * respects it).
 *
 * `page` is the current page as the eager loader captured it, with the calls made before the
 * core arrived (the stub's `floorwalker.q` and later ones): the first page view and those calls
 * keep the client time and event ids they were made with. Consent calls run before the start,
 * the others after the first page view. The early pages that earlier loaders left in storage
 * (their page went away before the core arrived) are replayed first, each under its own page
 * view, URL and time; that is the only way their events reach the outbox.
 */
export function createTracker(
  options: TrackerOptions,
  page: EarlyPage = capturePage(options.autoPageViews !== false),
): FloorwalkerApi {
  setDebug(!!options.debug);
  const { site } = options;
  const collector = options.collector.replace(/\/?$/, '/');
  const { small, bulk } = openStores();
  const identity = createIdentity(small);
  const transport = createTransport(site, new URL('v1/events', collector).href, bulk);
  const chunks = new Map<string, Promise<unknown>>();
  // realtime integration: page view subscribers of loaded chunks (ChunkContext.onPageView).
  const pageViewListeners = new Set<(pageViewId: string) => void>();
  let stops: (() => void)[] = [];
  let running = false;
  let engagement: Engagement | undefined;
  let pageViewId = '';
  let pageUrl = '';
  let pageTitle = '';
  let route = '';
  let sentDepth = 0;
  let viewed = false;
  /** The early page being replayed: it stands in for `location` and `document`. */
  let replaying: EarlyPage | undefined;
  /** While the early consent calls run: `optin` then only clears the flag, the start follows. */
  let booting = true;
  /** Client time and event id of the early call being replayed (the id goes to its first event). */
  let stamp: { ts: number; id?: string } | undefined;

  /** Records an event; `soon` sends it in the next task instead of with the next batch. */
  const send = (fields: EventFields, active = true, soon = false) => {
    if (!running) return;
    const now = stamp?.ts ?? Date.now();
    const event = {
      id: stamp?.id ?? randomId(),
      ts: now,
      visitorId: identity.visitor(),
      sessionId: identity.session(now, active),
      pageViewId,
      url: pageUrl,
      title: pageTitle || undefined,
      ...fields,
    } as TrackedEvent;
    if (stamp) stamp.id = undefined;
    log('event', event);
    transport.push(event, soon);
  };

  /** Engaged time since the last report and the scroll depth of the current page view. */
  const reportEngagement = () => {
    if (!engagement) return;
    const { engagedMs, scrollDepth } = engagement.take();
    if (engagedMs > 0 || scrollDepth > sentDepth) {
      sentDepth = scrollDepth;
      send({ type: 'engagement', engagedMs, scrollDepth }, engagedMs > 0);
    }
  };

  const href = () => replaying?.u ?? location.href;
  const referrer = () => replaying?.r ?? document.referrer;
  const setPage = (id = randomId()) => {
    pageViewId = id;
    pageUrl = href().slice(0, 2048);
    pageTitle = (replaying?.n ?? document.title).slice(0, 512);
    route = routeOf(href());
    sentDepth = 0;
    engagement?.reset();
  };
  const pageView = (navigation: 'load' | 'spa', from: string, id?: string) => {
    setPage(id);
    if (!replaying) for (const listener of pageViewListeners) guard(listener)(pageViewId);
    viewed = true;
    // Sent at once (the live board follows the visitor within a second), not with the 2 s batch;
    // what is recorded in the same task (the early calls replayed after it) shares its request.
    send(
      {
        type: 'page_view',
        referrer: from.slice(0, 2048) || undefined,
        navigation,
        language: navigator.language?.slice(0, 35),
        screen: `${screen.width}x${screen.height}`,
      },
      true,
      true,
    );
  };

  const onRoute = () => {
    if (routeOf(location.href) === route) return;
    // The page being left gets its engagement now, under its own page view id; the new page
    // view waits one task so that the app can set the new title first.
    reportEngagement();
    const from = pageUrl;
    setTimeout(
      guard(() => {
        if (running && routeOf(location.href) !== route) pageView('spa', from);
      }),
      0,
    );
  };

  /**
   * Records `early` (a page as a loader captured it) and the calls made on it, with their own
   * times and ids. `live` is the current page; an earlier page gets no engagement of this one.
   */
  const replay = (early: EarlyPage, live: boolean) => {
    const current = engagement;
    if (!live) engagement = undefined;
    replaying = early;
    viewed = false;
    stamp = stampOf(early.t, early.i);
    if (early.a) pageView('load', early.r, early.p);
    else setPage(early.p);
    for (const call of early.q) {
      // Consent ran before the start; an earlier page's `load` was for that page only.
      if (!Array.isArray(call) || isConsent(call[2]) || (!live && call[2] === 'load')) continue;
      stamp = stampOf(call[0], call[1]);
      runCommand(api, call.slice(2));
    }
    stamp = replaying = undefined;
    engagement = current;
  };

  const heartbeat = () => {
    // Presence only while visible, and not for a tab left open for hours without any input.
    if (!engagement || document.visibilityState !== 'visible') return;
    if (Date.now() - engagement.lastInput() > SESSION_TIMEOUT_MS) return;
    reportEngagement();
    send({ type: 'heartbeat', active: engagement.active() }, false);
  };

  const on = (target: EventTarget, type: string, fn: (e: Event) => void) => {
    const wrapped = guard(fn);
    target.addEventListener(type, wrapped);
    stops.push(() => target.removeEventListener(type, wrapped));
  };

  /** Starts tracking at `current`, after the `earlier` pages; false when tracking is off. */
  const start = (current: EarlyPage, earlier: EarlyPage[] = []) => {
    if (running || (options.respectDnt && privacySignal()) || optOut.get(small)) return false;
    running = true;
    engagement = trackEngagement(current.t);
    stops.push(engagement.stop);
    // Between `pagehide` and `pageshow` (Chrome fires `visibilitychange` after `pagehide`): the
    // page has said goodbye, a few more engaged milliseconds are not worth another beacon.
    let left = false;
    on(window, 'pagehide', () => {
      left = true;
      reportEngagement();
      send({ type: 'page_leave' }, false);
      transport.unload();
    });
    // Back from the back/forward cache: the same document, viewed again.
    on(window, 'pageshow', (e) => {
      if (!(e as PageTransitionEvent).persisted) return;
      left = false;
      transport.resume();
      pageView('load', '');
    });
    on(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') return heartbeat();
      if (left) return;
      reportEngagement();
      transport.flush();
    });
    const interval = setInterval(guard(heartbeat), HEARTBEAT_MS);
    stops.push(() => clearInterval(interval));
    for (const early of earlier) guard(replay)(early, false);
    guard(replay)(current, true);
    if (options.autoPageViews !== false) {
      stops.push(watchRoutes(onRoute));
      // An app that changed its route before the core arrived: that is a page view too.
      onRoute();
    }
    // After the calls made before the core arrived, so that they share the first request;
    // also resends what earlier pages left in the outbox.
    setTimeout(guard(transport.flush), 0);
    // realtime integration: the realtime chunk loads once the page has loaded, never delaying it.
    if (options.realtime !== false) {
      const loadRealtime = guard(() => running && void api.load('realtime').catch(log));
      if (document.readyState === 'complete') setTimeout(loadRealtime, 0);
      else on(window, 'load', loadRealtime);
    }
    return true;
  };

  const context: ChunkContext = {
    site,
    collector,
    ids: () => ({
      visitorId: identity.visitor(),
      sessionId: identity.session(Date.now(), false),
      pageViewId,
    }),
    track: (name, props) => api.track(name, props),
    guard,
    log,
    onPageView(listener) {
      pageViewListeners.add(listener);
      return () => pageViewListeners.delete(listener);
    },
  };

  const api: FloorwalkerApi = {
    track(name, props) {
      const fields = eventFields(name, props);
      if (fields) send(fields);
      else log('track() needs an event name');
    },
    identify(traits, more) {
      send({
        type: 'identify',
        traits: cleanProps(typeof traits === 'string' ? { ...more, id: traits } : traits),
      });
    },
    page() {
      if (!running) return;
      reportEngagement();
      pageView(viewed ? 'spa' : 'load', viewed ? pageUrl : referrer());
    },
    optout() {
      optOut.set(small, true);
      running = false;
      for (const stop of stops) stop();
      stops = [];
      engagement = undefined;
      transport.clear();
      identity.clear();
      // realtime integration: loaded chunks (the visitor socket and its widget) stop with tracking.
      for (const chunk of chunks.values()) {
        chunk.then(
          guard((handle) => (handle as { stop?: () => void } | undefined)?.stop?.()),
          log,
        );
      }
      chunks.clear();
    },
    optin() {
      optOut.set(small, false);
      if (!booting) start(capturePage(options.autoPageViews !== false));
    },
    flush: () => transport.flush(),
    load(name) {
      let chunk = chunks.get(name);
      if (!chunk) {
        chunk = loadChunk(collector, name, context);
        chunks.set(name, chunk);
        chunk.catch(() => chunks.delete(name));
      }
      return chunk;
    },
  };
  for (const key of Object.keys(api) as (keyof FloorwalkerApi)[]) {
    if (key !== 'load')
      (api as unknown as Record<string, unknown>)[key] = guard(api[key] as (...a: unknown[]) => unknown);
  }
  // This page's own entry, if its loader stored one, is `page` itself: taken, not replayed twice.
  const earlier = takeEarlyPages(bulk, site).filter((early) => early.p !== page.p);
  for (const early of [...earlier, page]) {
    for (const call of early.q) if (Array.isArray(call) && isConsent(call[2])) runCommand(api, call.slice(2));
  }
  booting = false;
  guard(start)(page, earlier);
  return api;
}

/** Runs one `floorwalker(name, ...args)` call; unknown names are ignored (and logged in debug mode). */
export function runCommand(api: FloorwalkerApi, call: ArrayLike<unknown>): unknown {
  const [name, ...args] = Array.from(call);
  if (typeof name !== 'string' || !Object.hasOwn(api, name)) return log('unknown command', name);
  const result = (api[name as keyof FloorwalkerApi] as (...a: unknown[]) => unknown)(...args);
  // A failed `load` must not become an unhandled rejection on the host page.
  if (result instanceof Promise) result.catch(log);
  return undefined;
}
