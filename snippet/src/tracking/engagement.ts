import { guard } from '../core/guard.ts';

/** Without any input for this long the visitor no longer counts as engaged. */
export const IDLE_MS = 5 * 60 * 1000;

export interface Engagement {
  /** Engaged ms since the last call and the deepest scroll (percent) of this page view. */
  take(): { engagedMs: number; scrollDepth: number };
  /** Starts a new page view: scroll depth restarts from the current position. */
  reset(): void;
  /** Visible and focused right now. */
  active(): boolean;
  /** Time of the last input (pointer, key, scroll, touch), epoch ms. */
  lastInput(): number;
  stop(): void;
}

/**
 * Engaged time: milliseconds while the page is visible AND focused AND the visitor gave some
 * input in the last {@link IDLE_MS}; plus scroll depth, the deepest point of the page seen.
 * Counting starts at `from` (default now): the time the page view began, which is earlier when
 * the tracking core arrived after the eager loader; a page visible and focused now is taken to
 * have been so since then.
 */
export function trackEngagement(from = Date.now()): Engagement {
  const doc = document;
  const root = doc.documentElement;
  let engaged = 0;
  let since = 0; // start of the current engaged stretch, 0 when not engaged
  let input = from;
  let depth = 0;

  const active = () => doc.visibilityState === 'visible' && doc.hasFocus();
  const measure = () => {
    const seen = ((scrollY + innerHeight) / Math.max(1, root.scrollHeight)) * 100;
    depth = Math.max(depth, Math.min(100, Math.round(seen)));
  };
  const update = () => {
    const now = Date.now();
    if (since) engaged += Math.max(0, Math.min(now, input + IDLE_MS) - since);
    since = active() && now - input < IDLE_MS ? now : 0;
  };
  const onInput = guard((e: Event) => {
    input = Date.now();
    if (e.type === 'scroll') measure();
    update();
  });
  const onState = guard(update);
  const inputs = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'touchstart', 'wheel'];
  // visibilitychange bubbles from the document up to window.
  const states = ['focus', 'blur', 'visibilitychange'];
  const opts = { capture: true, passive: true };
  for (const t of inputs) addEventListener(t, onInput, opts);
  for (const t of states) addEventListener(t, onState, true);
  measure();
  update();
  if (since) since = Math.min(since, from);

  return {
    take() {
      update();
      measure();
      const engagedMs = Math.min(86_400_000, Math.round(engaged));
      engaged = 0;
      return { engagedMs, scrollDepth: depth };
    },
    reset() {
      depth = 0;
      measure();
    },
    active,
    lastInput: () => input,
    stop() {
      for (const t of inputs) removeEventListener(t, onInput, opts);
      for (const t of states) removeEventListener(t, onState, true);
    },
  };
}
