import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventBatch, type TrackedEvent } from '@floorwalker/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoShop, type DemoShop } from '../demo/src/server.ts';
import { buildSnippet } from '../snippet/build.ts';
import { launchBrowser } from './helpers/browser.ts';
import { type CaptureServer, startCaptureServer } from './helpers/snippet-capture-server.ts';

const SITE = 'site_demo_e2e';
const artifacts = join(import.meta.dirname, '..', 'test-artifacts');

let dist: string;
let browser: Browser;
let collector: CaptureServer;
let shop: DemoShop;

function events(): TrackedEvent[] {
  return collector.requests.filter((r) => r.status === 200).flatMap((r) => eventBatch.parse(r.body).events);
}

async function waitForEvent(test: (e: TrackedEvent) => boolean, what: string): Promise<TrackedEvent> {
  const end = Date.now() + 10_000;
  for (;;) {
    const hit = events().find(test);
    if (hit) return hit;
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}; got ${events()
          .map((e) => e.type)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cartCount = (page: Page) => page.locator('[data-cart-count]').textContent();

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'fw-demo-e2e-'));
  await buildSnippet({ outdir: dist, log: () => {} });
  collector = await startCaptureServer(dist);
  shop = await buildDemoShop({ collectorUrl: collector.url, siteId: SITE, port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await collector?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('demo shop with the snippet installed', () => {
  it('reports a whole shopping trip: page views, a filter route change, cart changes, checkout and the purchase', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    // The browser's own network log is not script output: this stand-in collector has no visitor
    // socket, so the realtime part's connection attempts fail (e2e/realtime tests cover it).
    page.on('console', (m) => {
      if (!/^(Failed to load resource|WebSocket connection to)/.test(m.text()))
        problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    const response = await page.goto(shop.url);
    expect(await response!.text()).toContain(
      `<script async src="${collector.url}/snippet.js" data-site="${SITE}">`,
    );
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'demo-shop-home.png'), fullPage: true });
    const home = await waitForEvent(
      (e) => e.type === 'page_view' && e.url === `${shop.url}/`,
      'home page view',
    );
    const visitorId = home.visitorId;

    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Kitchen' }).click();
    await waitForEvent(
      (e) => e.type === 'page_view' && e.url.endsWith('/category/kitchen'),
      'category page view',
    );
    await page.getByRole('link', { name: 'Under €40' }).click();
    expect(page.url()).toBe(`${shop.url}/category/kitchen?price=under-40`);
    await expect.poll(() => page.locator('.grid .card:visible').count()).toBe(1);
    const filtered = await waitForEvent(
      (e) => e.type === 'page_view' && e.url.endsWith('?price=under-40'),
      'filter view',
    );
    expect(filtered).toMatchObject({ navigation: 'spa', referrer: `${shop.url}/category/kitchen` });

    await page.locator('.card:visible').getByRole('button', { name: 'Add to cart' }).click();
    expect(await cartCount(page)).toBe('1');
    expect(
      await waitForEvent((e) => e.type === 'add_to_cart' && e.sku === 'KIT-MUG-01', 'mug added'),
    ).toMatchObject({
      value: 18,
      currency: 'EUR',
      quantity: 1,
      props: { name: 'Stoneware Mug' },
      pageViewId: filtered.pageViewId,
    });

    await page.goto(`${shop.url}/product/french-press`);
    await page.getByLabel('Quantity').fill('2');
    await page.locator('.product-info').getByRole('button', { name: 'Add to cart' }).click();
    expect(await cartCount(page)).toBe('3');
    expect(
      await waitForEvent((e) => e.type === 'add_to_cart' && e.sku === 'KIT-PRS-02', 'press added'),
    ).toMatchObject({
      value: 84,
      quantity: 2,
    });

    await page.getByRole('link', { name: /Cart/ }).click();
    await page.waitForURL(`${shop.url}/cart`);
    await page.locator('[data-line="french-press"]').getByRole('button', { name: 'One less' }).click();
    expect(await cartCount(page)).toBe('2');
    expect(await page.locator('[data-cart-subtotal]').textContent()).toBe('€60.00');
    expect(await waitForEvent((e) => e.type === 'remove_from_cart', 'press removed')).toMatchObject({
      value: 42,
      currency: 'EUR',
      sku: 'KIT-PRS-02',
      quantity: 1,
    });

    await page.getByRole('link', { name: 'Proceed to checkout' }).click();
    await page.waitForURL(`${shop.url}/checkout`);
    expect(await waitForEvent((e) => e.type === 'checkout_started', 'checkout started')).toMatchObject({
      value: 60,
      currency: 'EUR',
      quantity: 2,
    });
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.locator('[data-form-error]').isVisible()).toBe(true);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Street and number').fill('12 Analytical Row');
    await page.getByLabel('Postcode').fill('10115');
    await page.getByLabel('City').fill('Berlin');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/thank-you\?order=FH-/);

    const orderId = await page.locator('[data-order-id]').textContent();
    expect(await page.locator('[data-order-total-text]').textContent()).toBe('€60.00');
    expect(await cartCount(page)).toBe('0');
    const purchase = await waitForEvent((e) => e.type === 'purchase', 'purchase');
    expect(purchase).toMatchObject({ value: 60, currency: 'EUR', orderId, quantity: 2 });
    expect(await waitForEvent((e) => e.type === 'identify', 'identify')).toMatchObject({
      traits: { email: 'ada@example.com', name: 'Ada Lovelace', country: 'DE' },
    });
    await page.screenshot({ path: join(artifacts, 'demo-shop-thank-you.png'), fullPage: true });

    // A reload of the confirmation page is not a second purchase.
    await page.reload();
    await waitForEvent(
      (e) => e.type === 'page_view' && e.pageViewId !== purchase.pageViewId && e.url.includes('/thank-you'),
      'reload view',
    );
    await page.evaluate(() =>
      (window as unknown as { floorwalker: (c: string) => void }).floorwalker('flush'),
    );
    await page.waitForTimeout(800);
    expect(events().filter((e) => e.type === 'purchase')).toHaveLength(1);

    expect(new Set(events().map((e) => e.visitorId))).toEqual(new Set([visitorId]));
    expect(new Set(events().map((e) => e.sessionId)).size).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses orders it cannot price with the standard error shape', async () => {
    const unknown = await shop.inject({
      method: 'POST',
      url: '/api/orders',
      payload: {
        items: [{ slug: 'free-yacht', quantity: 1 }],
        customer: { email: 'a@b.co', name: 'A', address: 'x', zip: '1', city: 'c', country: 'DE' },
        payment: 'card',
      },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'DEMO_UNKNOWN_PRODUCT', statusCode: 400 });
    const invalid = await shop.inject({ method: 'POST', url: '/api/orders', payload: { items: [] } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.issues.map((i: { path: string[] }) => i.path[0])).toEqual(
      expect.arrayContaining(['items', 'customer', 'payment']),
    );
    const broken = await shop.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"items":',
    });
    expect(broken.statusCode).toBe(400);
    expect((await shop.inject('/product/no-such-thing')).statusCode).toBe(404);
  });
});
