import type { TrackedEvent } from '@floorwalker/protocol';
import type { Page } from 'playwright-core';

/** One batch the snippet tried to send (whether or not the collector took it). */
export interface SentBatch {
  at: number;
  events: TrackedEvent[];
}

/** What {@link captureEventBatches} records. */
export interface EventCapture {
  batches: SentBatch[];
  /** Requests to the events endpoint whose body could not be read (should stay 0). */
  unreadable: number;
}

/**
 * Records every event batch a shop page sends to the collector (`fetch`, keepalive and
 * `sendBeacon` on page hide), including failed attempts: the events the snippet produced.
 * Uses the DevTools protocol, which sees beacons (Playwright's request events miss their bodies).
 */
export async function captureEventBatches(page: Page): Promise<EventCapture> {
  const capture: EventCapture = { batches: [], unreadable: 0 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable', { maxPostDataSize: 1024 * 1024 });
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.method !== 'POST' || !new URL(e.request.url).pathname.endsWith('/v1/events')) return;
    const at = Date.now();
    const record = (text: string | undefined) => {
      try {
        const body = JSON.parse(text ?? '') as { events?: TrackedEvent[] };
        capture.batches.push({ at, events: body.events ?? [] });
      } catch {
        capture.unreadable++;
      }
    };
    if (e.request.postData !== undefined) return record(e.request.postData);
    const entries = e.request.postDataEntries;
    if (entries?.length)
      return record(
        entries.map((x) => (x.bytes ? Buffer.from(x.bytes, 'base64').toString('utf8') : '')).join(''),
      );
    cdp.send('Network.getRequestPostData', { requestId: e.requestId }).then(
      (r) => record(r.postData),
      () => capture.unreadable++,
    );
  });
  return capture;
}

const SEEN_KEY = 'fw_e2e_seen';

/**
 * Records every event the snippet produces on this browser context's pages, across navigations:
 * the snippet writes each event to its localStorage outbox (`fw_ob_<site>`) before sending it
 * (by fetch or by `sendBeacon` on page hide, which DevTools does not report), so a wrapper around
 * `Storage.setItem` copies every event it sees there into `fw_e2e_seen`. Read it with
 * {@link producedEvents}. The snippet itself runs unchanged.
 */
export async function recordProducedEvents(page: Page): Promise<void> {
  await page.context().addInitScript((seenKey) => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
      if (key.startsWith('fw_ob_')) {
        try {
          const seen = JSON.parse(this.getItem(seenKey) ?? '{}') as Record<string, unknown>;
          for (const entry of (JSON.parse(value) as { q?: { e: { id: string } }[] }).q ?? [])
            seen[entry.e.id] = entry.e;
          setItem.call(this, seenKey, JSON.stringify(seen));
        } catch {
          // Not an outbox write we understand: the snippet's own write below still happens.
        }
      }
      return setItem.call(this, key, value);
    };
  }, SEEN_KEY);
}

/** Every event the snippet produced on this page's origin since {@link recordProducedEvents}. */
export async function producedEvents(page: Page): Promise<Map<string, TrackedEvent>> {
  const seen = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), SEEN_KEY);
  return new Map(Object.entries(seen as Record<string, TrackedEvent>));
}

/** Every distinct event of the captured batches, by id (first attempt wins). */
export function distinctEvents(batches: readonly SentBatch[]): Map<string, TrackedEvent> {
  const out = new Map<string, TrackedEvent>();
  for (const b of batches) for (const e of b.events) if (!out.has(e.id)) out.set(e.id, e);
  return out;
}

/** Events still waiting in the snippet's outbox on this page (0 once everything was accepted). */
export async function pendingInOutbox(page: Page, siteId: string): Promise<number> {
  return page.evaluate((key) => {
    const text = localStorage.getItem(key);
    if (!text) return 0;
    try {
      return (JSON.parse(text) as { q?: unknown[] }).q?.length ?? 0;
    } catch {
      return 0;
    }
  }, `fw_ob_${siteId}`);
}
