import type { ChunkContext } from '../chunks/load-chunk.ts';

/**
 * What the realtime chunk needs from the running tracker: the chunk context plus a page view
 * subscription (the tracker assigns a new page view id on load, SPA route changes and returns
 * from the back/forward cache).
 */
export interface RealtimeContext extends ChunkContext {
  /** Calls `listener` with each new page view id; returns an unsubscribe. */
  onPageView(listener: (pageViewId: string) => void): () => void;
}

/** What the chunk's factory returns (the tracker's `load('realtime')` resolves with it). */
export interface RealtimeHandle {
  /** Disconnects and removes every trace from the page (opt-out). */
  stop(): void;
}
