import type { ChunkContext } from '../chunks/load-chunk.ts';

/**
 * Calls `onExit` when the pointer leaves the page through its top edge (towards the tabs, the
 * address bar or the close button), on devices with a fine pointer that can hover (desktops);
 * touch devices have no such gesture. Returns a function that stops watching.
 */
export function watchExitIntent(onExit: () => void, guard: ChunkContext['guard']): () => void {
  if (!matchMedia('(hover: hover) and (pointer: fine)').matches) return () => undefined;
  const onOut = guard((e: MouseEvent) => {
    // No related target: the pointer left the document, not just one element for another.
    if (!e.relatedTarget && e.clientY <= 5) onExit();
  });
  document.addEventListener('mouseout', onOut);
  return () => document.removeEventListener('mouseout', onOut);
}
