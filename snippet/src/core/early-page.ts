import { randomId } from '../identity/random-id.ts';
import type { KeyValue } from '../identity/storage.ts';
import type { TrackerOptions } from './create-tracker.ts';

/**
 * A page as the eager loader saw it before the tracking core arrived: what the first page view
 * needs (taken when the loader ran, so the page view keeps its real client time) and the calls
 * made until the core took over. Short names: this is also what waits in the visitor's
 * localStorage (see {@link EARLY_KEY}) when the page goes away before the core arrives.
 */
export interface EarlyPage {
  /** Page view id. */
  p: string;
  /** Event id of the page view (kept across a resend, so the collector can drop duplicates). */
  i: string;
  /** When the loader ran (epoch ms): the page view's client time. */
  t: number;
  /** URL, title and referrer when the loader ran. */
  u: string;
  n: string;
  r: string;
  /** Automatic page views were on (`data-auto-page-views`). */
  a: boolean;
  /** Calls made before the core took over, in order. */
  q: EarlyCall[];
}

/** One early `floorwalker(name, ...args)` call with its client time and the id of its event. */
export type EarlyCall = [ts: number, id: string, ...call: unknown[]];

/**
 * localStorage key (plus the site key) of the early pages whose core never arrived: the loader
 * writes its page there on every early call, the next core that starts takes them (removing the
 * key) and turns their calls into events in the outbox. A page whose own core arrives is taken
 * out again by that core.
 */
export const EARLY_KEY = 'fw_pre_';

/** Most early pages kept for a site whose core keeps failing to arrive (oldest dropped first). */
export const EARLY_PAGES_LIMIT = 20;
/** Most early calls kept per page. */
export const EARLY_CALLS_LIMIT = 100;

/** What the loader hands to the core chunk; the core sets `run` when it has taken over. */
export interface CoreHandoff {
  options: TrackerOptions;
  page: EarlyPage;
  /** Runs one `floorwalker(name, ...args)` call; set by the core once it runs. */
  run?: (call: unknown[]) => void;
}

/** The current page, now: the start of a page view. */
export function capturePage(autoPageViews: boolean): EarlyPage {
  return {
    p: randomId(),
    i: randomId(),
    t: Date.now(),
    u: location.href,
    n: document.title,
    r: document.referrer,
    a: autoPageViews,
    q: [],
  };
}

/** Takes (and removes) the early pages the loaders of earlier pages left for `site`. */
export function takeEarlyPages(store: KeyValue, site: string): EarlyPage[] {
  const key = EARLY_KEY + site;
  let pages: unknown;
  try {
    pages = JSON.parse(store.get(key) ?? '[]');
  } catch {}
  store.set(key, null);
  return Array.isArray(pages)
    ? pages.filter(
        (x: Partial<EarlyPage> | null): x is EarlyPage =>
          typeof x?.p === 'string' &&
          typeof x.i === 'string' &&
          typeof x.t === 'number' &&
          typeof x.u === 'string' &&
          typeof x.n === 'string' &&
          typeof x.r === 'string' &&
          Array.isArray(x.q),
      )
    : [];
}
