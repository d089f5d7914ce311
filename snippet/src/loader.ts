/**
 * The eager loader for the script tag (`snippet.js`, IIFE, ≤ 3 KB gzip):
 *
 *   <script>window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)}</script>
 *   <script async src="https://COLLECTOR/snippet.js" data-site="SITE_KEY"></script>
 *
 * Finds its own tag, derives the collector URL from its `src`, captures the page (the first page
 * view's URL, title, referrer and client time, taken now rather than when the core arrives),
 * replaces the stub with the real `floorwalker(name, ...args)` and fetches the tracking core
 * (`s/snippet-core.js`, see `core/index.ts`) at once. Until the core takes over, calls are
 * recorded with their time and event id and the page is written through to localStorage (see
 * `EARLY_KEY`), so a page that goes away first loses nothing: the next page's core sends it.
 * Options as attributes: `data-respect-dnt`, `data-debug`, `data-auto-page-views="false"`,
 * `data-realtime="false"`. Defines no global but `floorwalker`.
 */
import { loadChunk } from './chunks/load-chunk.ts';
import {
  type CoreHandoff,
  capturePage,
  EARLY_CALLS_LIMIT,
  EARLY_KEY,
  EARLY_PAGES_LIMIT,
  type EarlyPage,
} from './core/early-page.ts';
import { guard, log, setDebug } from './core/guard.ts';
import { randomId } from './identity/random-id.ts';
import { OPT_OUT_KEY, privacySignal } from './privacy/consent.ts';
import { cleanProps } from './tracking/event-fields.ts';

type Stub = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

guard(() => {
  const w = window as Window & { floorwalker?: Stub };
  const script = (document.currentScript ??
    document.querySelector('script[data-site][src*="snippet"]')) as HTMLScriptElement | null;
  const data = script?.dataset;
  const site = data?.site;
  if (!script?.src || !site || w.floorwalker?.loaded) return;
  const flag = (name: string) => {
    const v = data[name];
    return v !== undefined && v !== 'false';
  };
  const collector = new URL('.', script.src).href;
  const handoff: CoreHandoff = {
    options: {
      site,
      collector,
      respectDnt: flag('respectDnt'),
      debug: flag('debug'),
      autoPageViews: data.autoPageViews !== 'false',
      // realtime integration: `data-realtime="false"` keeps the visitor socket and widget off.
      realtime: data.realtime !== 'false',
    },
    page: capturePage(data.autoPageViews !== 'false'),
  };
  const { page } = handoff;
  const key = EARLY_KEY + site;
  setDebug(!!handoff.options.debug);

  /**
   * Writes this page through to localStorage, unless the core has taken over or the visitor is
   * not tracked (opted out, or DNT/GPC on a site that respects it): then nothing is kept.
   */
  const save = () => {
    try {
      if (handoff.run || localStorage.getItem(OPT_OUT_KEY) || (handoff.options.respectDnt && privacySignal()))
        return;
      const pages = (JSON.parse(localStorage.getItem(key) ?? '[]') as EarlyPage[]).filter(
        (x) => x.p !== page.p,
      );
      pages.push(page);
      localStorage.setItem(key, JSON.stringify(pages.slice(-EARLY_PAGES_LIMIT)));
    } catch (error) {
      // Storage blocked or full: the page still reaches the core in memory if it arrives.
      log('early calls not stored', error);
    }
  };
  /** Records a call for the core; objects are cut to the flat scalars the tracker keeps anyway. */
  const record = (call: ArrayLike<unknown>) => {
    if (page.q.length < EARLY_CALLS_LIMIT)
      page.q.push([
        Date.now(),
        randomId(),
        // (A bigint would make the page unstorable: JSON has none.)
        ...Array.from(call, (v) => (v instanceof Object ? cleanProps(v) : typeof v === 'bigint' ? null : v)),
      ]);
  };

  for (const call of Array.from(w.floorwalker?.q ?? [])) guard(record)(call);
  save();
  const floorwalker: Stub = guard((...args: unknown[]) => {
    if (handoff.run) return handoff.run(args);
    record(args);
    save();
  });
  floorwalker.loaded = true;
  w.floorwalker = floorwalker;
  // No retry on failure: this page's calls are stored, and the next page tries again.
  loadChunk(collector, 'core', handoff).catch(log);
})();
