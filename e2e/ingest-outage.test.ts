import type { ClickHouseKind } from '@floorwalker/store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.ts';
import { captureEventBatches, recordProducedEvents } from './helpers/event-capture.ts';
import { settle, storedEvents } from './helpers/live-shopper.ts';
import { type LiveStack, startLiveStack } from './helpers/live-stack.ts';

/** How long the collector stays down while the shopper browses. */
const OUTAGE_MS = 10_000;

describe.each<ClickHouseKind>(['server', 'embedded'])('collector outage on %s ClickHouse', (kind) => {
  let stack: LiveStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startLiveStack({ kind });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('loses nothing and duplicates nothing when the collector is down for 10 s mid-visit', async () => {
    const shopper = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await recordProducedEvents(shopper);
    const capture = await captureEventBatches(shopper);
    const shopUrl = stack.shop.url;

    await shopper.goto(shopUrl);
    await shopper
      .getByRole('navigation', { name: 'Categories' })
      .getByRole('link', { name: 'Kitchen' })
      .click();
    await shopper.waitForURL(`${shopUrl}/category/kitchen`);
    // Let the first pages reach the collector while it is up.
    await expect.poll(() => capture.batches.length, { timeout: 10_000 }).toBeGreaterThan(0);

    await stack.stopCollector();
    const downAt = Date.now();
    await shopper.getByRole('link', { name: 'Under €40' }).click(); // SPA route change
    await shopper.locator('.card:visible').getByRole('button', { name: 'Add to cart' }).click();
    await shopper.goto(`${shopUrl}/product/french-press`); // a full load: the snippet comes from the cache
    await shopper.getByLabel('Quantity').fill('2');
    await shopper.locator('.product-info').getByRole('button', { name: 'Add to cart' }).click();
    await shopper.getByRole('link', { name: /Cart/ }).click();
    await shopper.waitForURL(`${shopUrl}/cart`);
    await shopper.waitForTimeout(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    const attemptsDuringOutage = capture.batches.filter((b) => b.at > downAt).length;
    await stack.startCollector();

    await shopper.getByRole('link', { name: 'Proceed to checkout' }).click();
    await shopper.waitForURL(`${shopUrl}/checkout`);
    await shopper.getByLabel('E-mail').fill('grace@example.com');
    await shopper.getByLabel('Full name').fill('Grace Hopper');
    await shopper.getByLabel('Street and number').fill('1 Compiler Lane');
    await shopper.getByLabel('Postcode').fill('10115');
    await shopper.getByLabel('City').fill('Berlin');
    await shopper.getByRole('button', { name: 'Place order' }).click();
    await shopper.waitForURL(/\/thank-you\?order=FH-/);
    const orderId = await shopper.locator('[data-order-id]').textContent();

    // The snippet kept trying during the outage (the requests failed), and resent afterwards.
    expect(attemptsDuringOutage).toBeGreaterThan(0);
    const produced = await settle(stack, shopper);
    const visitorIds = new Set([...produced.values()].map((e) => e.visitorId));
    expect(visitorIds.size).toBe(1);
    const stored = await storedEvents(stack, [...visitorIds][0]);
    // Nothing lost: every event the snippet produced is stored; nothing duplicated: one row each.
    expect(new Set(stored.map((e) => e.event_id))).toEqual(new Set(produced.keys()));
    expect(stored.filter((e) => e.n !== 1)).toEqual([]);

    const producedDuringOutage = [...produced.values()].filter(
      (e) => e.ts >= downAt && e.ts < downAt + OUTAGE_MS,
    );
    expect(producedDuringOutage.map((e) => e.type)).toEqual(
      expect.arrayContaining(['page_view', 'add_to_cart', 'page_view', 'add_to_cart', 'page_view']),
    );
    const pageViews = stored.filter((e) => e.kind === 'page_view').map((e) => e.url);
    expect(pageViews.sort()).toEqual(
      [
        `${shopUrl}/`,
        `${shopUrl}/category/kitchen`,
        `${shopUrl}/category/kitchen?price=under-40`,
        `${shopUrl}/product/french-press`,
        `${shopUrl}/cart`,
        `${shopUrl}/checkout`,
        `${shopUrl}/thank-you?order=${orderId}`,
      ].sort(),
    );
    expect(
      stored
        .filter((e) => e.kind === 'add_to_cart')
        .map((e) => [e.sku, e.value])
        .sort(),
    ).toEqual([
      ['KIT-MUG-01', 18],
      ['KIT-PRS-02', 84],
    ]);
    expect(stored.filter((e) => e.kind === 'purchase')).toEqual([
      expect.objectContaining({ value: 102, currency: 'EUR', order_id: orderId }),
    ]);
  });
});
