import { h } from './build-element.ts';
import { WIDGET_CSS } from './widget-styles.ts';

/** The widget's element in the page: a custom tag, so page rules aimed at `div` never match it. */
export const WIDGET_TAG = 'floorwalker-widget';

export interface WidgetRoot {
  host: HTMLElement;
  root: ShadowRoot;
  /** Polite live region: what is put here is read out by screen readers. */
  announce(text: string): void;
  remove(): void;
}

/**
 * Adds the widget's host to the end of `<body>` with an open shadow root holding its styles and
 * a live region. The host is a full-viewport fixed layer that lets every click through
 * (`pointer-events: none`); only the panels inside take pointer events.
 */
export function createWidgetRoot(): WidgetRoot {
  const host = document.createElement(WIDGET_TAG);
  host.setAttribute('data-floorwalker', '');
  const root = host.attachShadow({ mode: 'open' });
  const live = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
  root.append(h('style', {}, WIDGET_CSS), live);
  (document.body ?? document.documentElement).append(host);
  return {
    host,
    root,
    announce(text) {
      live.textContent = text;
    },
    remove: () => host.remove(),
  };
}
