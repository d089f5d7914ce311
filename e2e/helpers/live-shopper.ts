import { randomUUID } from 'node:crypto';
import type { TrackedEvent } from '@floorwalker/protocol';
import { liveVisitors, sql } from '@floorwalker/store';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { pendingInOutbox, producedEvents } from './event-capture.ts';
import type { LiveStack } from './live-stack.ts';

/** One stored event with its raw row count. */
export interface StoredEvent {
  event_id: string;
  n: number;
  kind: string;
  url: string;
  path: string;
  visitor: string;
  session_id: string;
  page_view_id: string;
  value: number;
  currency: string;
  order_id: string;
  sku: string;
  quantity: number;
}

/** Every stored row of the site (of one visitor), grouped by event id with its raw row count (no dedupe). */
export async function storedEvents(stack: LiveStack, visitorId?: string): Promise<StoredEvent[]> {
  const visitor = visitorId ? sql`AND visitor_id = ${visitorId}` : sql``;
  return stack.db.ch.query<StoredEvent>(sql`
    SELECT event_id, count() AS n, any(event) AS kind, any(url) AS url, any(path) AS path,
      any(visitor_id) AS visitor, any(session_id) AS session_id, any(page_view_id) AS page_view_id,
      any(value) AS value, any(currency) AS currency, any(order_id) AS order_id, any(sku) AS sku,
      any(quantity) AS quantity
    FROM ${stack.db.ch.table('events')} WHERE site_id = ${stack.siteId} ${visitor}
    GROUP BY event_id`);
}

/**
 * Flushes the shop page's outbox and waits until ClickHouse holds every event the snippet produced
 * (see `recordProducedEvents`); returns those events by id.
 */
export async function settle(stack: LiveStack, shop: Page): Promise<Map<string, TrackedEvent>> {
  await shop.evaluate(() => (window as unknown as { floorwalker: (c: string) => void }).floorwalker('flush'));
  await expect.poll(() => pendingInOutbox(shop, stack.siteId), { timeout: 60_000, interval: 250 }).toBe(0);
  const sent = await producedEvents(shop);
  const missing = async () => {
    const stored = new Set((await storedEvents(stack)).map((e) => e.event_id));
    return [...sent.values()].filter((e) => !stored.has(e.id)).map((e) => `${e.type} ${e.url}`);
  };
  await expect.poll(missing, { timeout: 30_000, interval: 250 }).toEqual([]);
  return sent;
}

/** Logs the staff member in and opens the Live visitors board. */
export async function openBoard(browser: Browser, stack: LiveStack): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const board = await context.newPage();
  await board.goto(`${stack.dashboardUrl}/live`);
  await board.getByLabel('E-mail address').fill(stack.staff.email);
  await board.getByLabel('Password').fill(stack.staff.password);
  await board.getByRole('button', { name: 'Sign in' }).click();
  await board.getByRole('heading', { name: 'Live visitors' }).waitFor();
  await board.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  // Stamps (Date.now) the first moment each page URL shows in a visitor row, for latency figures
  // that do not depend on how often Playwright polls.
  await board.evaluate(() => {
    const seen = new Map<string, number>();
    (window as unknown as { fwSeen: Map<string, number> }).fwSeen = seen;
    const record = () => {
      for (const td of document.querySelectorAll('tr.visitor-row td[data-page-url]')) {
        const url = td.getAttribute('data-page-url') ?? '';
        if (!seen.has(url)) seen.set(url, Date.now());
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-page-url'],
    });
    record();
  });
  return board;
}

/** When (epoch ms) the board first showed a visitor on `url` (see {@link openBoard}). */
export async function boardShownAt(board: Page, url: string): Promise<number> {
  const at = await board.evaluate(
    (u) => (window as unknown as { fwSeen: Map<string, number> }).fwSeen.get(u),
    url,
  );
  if (at === undefined) throw new Error(`the board never showed ${url}`);
  return at;
}

/**
 * Sends one page view of a throw-away visitor through the running stack and waits until it is
 * stored and live: the first request of a fresh process pays one-time costs (lazy module and
 * GeoIP loading, JIT, first connections) that say nothing about steady-state latency.
 */
export async function warmUp(stack: LiveStack): Promise<void> {
  const visitorId = `warmup_${randomUUID().slice(0, 8)}`;
  const res = await fetch(`${stack.collectorUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: stack.shop.url },
    body: JSON.stringify({
      site: stack.siteId,
      sentAt: Date.now(),
      events: [
        {
          id: randomUUID(),
          ts: Date.now(),
          type: 'page_view',
          visitorId,
          sessionId: `s_${visitorId}`,
          pageViewId: `pv_${visitorId}`,
          url: `${stack.shop.url}/warm-up`,
        },
      ],
    }),
  });
  if (res.status !== 200) throw new Error(`warm-up batch refused: ${res.status} ${await res.text()}`);
  const live = liveVisitors(stack.redis.redis, stack.redis.keys);
  const end = Date.now() + 30_000;
  while ((await storedEvents(stack, visitorId)).length === 0 || !(await live.get(stack.siteId, visitorId))) {
    if (Date.now() > end) throw new Error('warm-up page view never reached ClickHouse and live state');
    await new Promise((r) => setTimeout(r, 100));
  }
}
