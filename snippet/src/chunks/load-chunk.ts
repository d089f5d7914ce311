import { guard } from '../core/guard.ts';

/** What a lazily loaded part receives: the running tracker's context. */
export interface ChunkContext {
  site: string;
  /** Collector base URL with a trailing slash (`https://live.shop.example/`). */
  collector: string;
  /** The ids of the current visitor, session and page view (they change, so ask each time). */
  ids(): { visitorId: string; sessionId: string; pageViewId: string };
  /** Calls `listener` with each new page view id (load, SPA route, back/forward cache); returns an unsubscribe. */
  onPageView(listener: (pageViewId: string) => void): () => void;
  /** Same as the public `track()`. */
  track(name: string, props?: Record<string, unknown>): void;
  /** Wraps a callback so that it never throws into the page. */
  guard: typeof guard;
  /** Logs only in debug mode. */
  log(...args: unknown[]): void;
}
/**
 * A lazily loaded part: called once with the context; may return its own API. Parts get the
 * {@link ChunkContext}; the tracking core (`snippet-core.js`) gets the loader's handoff instead.
 */
export type ChunkFactory<C = ChunkContext> = (ctx: C) => unknown;

/**
 * The DOM event a chunk file dispatches to hand over its factory. A classic `<script>` plus a
 * DOM event (rather than `import()`) needs no CORS headers on the chunk and adds no global.
 */
export const CHUNK_EVENT = 'floorwalker:chunk';
export interface ChunkEventDetail<C = ChunkContext> {
  name: string;
  factory: ChunkFactory<C>;
}

/** Call from a chunk file's top level: `registerChunk('realtime', (ctx) => …)`. */
export function registerChunk<C = ChunkContext>(name: string, factory: ChunkFactory<C>): void {
  document.dispatchEvent(new CustomEvent<ChunkEventDetail<C>>(CHUNK_EVENT, { detail: { name, factory } }));
}

/**
 * Loads `s/snippet-<name>.js` from the collector (`base`, where the loader came from) once and
 * runs its factory. Resolves with what the factory returned; rejects when the file fails to load.
 */
export function loadChunk<C = ChunkContext>(base: string, name: string, ctx: C): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    const done = () => document.removeEventListener(CHUNK_EVENT, onChunk);
    const onChunk = guard((e: Event) => {
      const detail = (e as CustomEvent<ChunkEventDetail<C>>).detail;
      if (detail?.name !== name) return;
      done();
      resolve(guard(detail.factory)(ctx));
    });
    document.addEventListener(CHUNK_EVENT, onChunk);
    script.async = true;
    script.src = new URL(`s/snippet-${name}.js`, base).href;
    script.onerror = () => {
      done();
      reject(new Error(script.src));
    };
    document.head.appendChild(script);
  });
}
