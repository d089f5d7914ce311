/**
 * The script-tag build (`snippet.js`, IIFE):
 *
 *   <script>window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)}</script>
 *   <script async src="https://COLLECTOR/snippet.js" data-site="SITE_KEY"></script>
 *
 * Finds its own tag, derives the collector URL from its `src`, replays the calls the stub queued
 * and replaces the stub with the real `floorwalker(name, ...args)`. Options as attributes:
 * `data-respect-dnt`, `data-debug`, `data-auto-page-views="false"`, `data-realtime="false"`. Defines no global but
 * `floorwalker`.
 */
import { createTracker, runCommand } from './core/create-tracker.ts';
import { guard } from './core/guard.ts';

type Stub = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

guard(() => {
  const w = window as Window & { floorwalker?: Stub };
  const script = (document.currentScript ??
    document.querySelector('script[data-site][src*="snippet"]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script?.src || !site || w.floorwalker?.loaded) return;
  const flag = (name: string) => {
    const v = script.dataset[name];
    return v !== undefined && v !== 'false';
  };
  const api = createTracker(
    {
      site,
      collector: new URL('.', script.src).href,
      respectDnt: flag('respectDnt'),
      debug: flag('debug'),
      autoPageViews: script.dataset.autoPageViews !== 'false',
      // realtime integration: `data-realtime="false"` keeps the visitor socket and widget off.
      realtime: script.dataset.realtime !== 'false',
    },
    Array.from(w.floorwalker?.q ?? []),
  );
  const floorwalker: Stub = guard((...args: unknown[]) => runCommand(api, args));
  floorwalker.loaded = true;
  w.floorwalker = floorwalker;
})();
