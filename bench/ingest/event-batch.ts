import { randomUUID } from 'node:crypto';

/** A desktop Chrome user agent, so the collector's enrichment takes the common (cached) path. */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** Visitors the generated batches rotate through (the engine's live state sees this many). */
const VISITORS = 2000;

/**
 * The `text/plain` body of one snippet batch: `events` valid events of one page view, every one
 * with a fresh UUID so the collector does all of its work (validation, enrichment, dedupe check,
 * `XADD`) and never drops one as a duplicate. The mix follows a product page: the page view, then
 * engagement, heartbeats, an add-to-cart and a custom event. Every event's `ts` is `now`
 * (the batch is sent when it is built), so the stored `ts_ms` is the collector's receive time.
 */
export function eventBatchBody(site: string, seq: number, events: number, now = Date.now()): string {
  const visitor = String(seq % VISITORS).padStart(8, '0');
  const base = {
    visitorId: `visitor_${visitor}`,
    sessionId: `session_${visitor}`,
    pageViewId: `pageview_${String(seq).padStart(10, '0')}`,
    url: `https://shop.example/products/item-${seq % 300}?color=blue&utm_source=newsletter`,
    title: `Product ${seq % 300} – Shop`,
  };
  const list = Array.from({ length: events }, (_, i) => {
    const common = { ...base, id: randomUUID(), ts: now };
    switch (i % 10) {
      case 0:
        return {
          ...common,
          type: 'page_view',
          referrer: 'https://www.google.com/',
          navigation: 'load',
          language: 'en-GB',
          screen: '1440x900',
        };
      case 4:
        return {
          ...common,
          type: 'add_to_cart',
          value: 29.9,
          currency: 'EUR',
          sku: `SKU-${seq % 300}`,
          quantity: 1,
        };
      case 7:
        return { ...common, type: 'custom', name: 'filter_used', props: { color: 'blue', size: 42 } };
      case 2:
      case 5:
      case 8:
        return { ...common, type: 'heartbeat', active: true };
      default:
        return { ...common, type: 'engagement', engagedMs: 5000, scrollDepth: 40 };
    }
  });
  return JSON.stringify({ site, sentAt: now, events: list });
}
