import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventBatch, type TrackedEvent } from '@floorwalker/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSnippet } from '../snippet/build.ts';
import { launchBrowser } from './helpers/browser.ts';
import { type CaptureServer, startCaptureServer, startPageServer } from './helpers/snippet-capture-server.ts';

const SITE = 'test-site';
const STUB =
  '<script>window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)}</script>';
/** The tracking core, which the eager loader fetches from the collector. */
const CORE = 'snippet-core.js';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Messages the browser itself logs for a failed request: the network, not a script. */
const NETWORK_LOG = /^Failed to load resource/;

let dist: string;
let browser: Browser;
let collector: CaptureServer;
let shop: { url: string; close(): Promise<void> };
const pages = new Map<string, string>();

interface Opened {
  page: Page;
  context: BrowserContext;
  console: string[];
  errors: string[];
}
const opened: Opened[] = [];

// realtime integration: this stand-in collector has no visitor socket (e2e/realtime.test.ts covers it).
function html(title: string, options: { attrs?: string; head?: string; stub?: boolean; body?: string } = {}) {
  const { attrs = '', head = '', stub = true, body = '' } = options;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${stub ? STUB : ''}${head}
<script async src="${collector.url}/snippet.js" data-site="${SITE}" data-realtime="false" ${attrs}></script></head>
<body style="margin:0"><h1>${title}</h1>${body}<div style="height:4000px"></div><a id="bottom">end</a></body></html>`;
}

/** Opens a page in a fresh context (its own storage, so its own visitor). */
async function open(
  path: string,
  options: {
    initScript?: string;
    context?: BrowserContext;
    referer?: string;
    /** Default `load`; `domcontentloaded` to act before a late tracking core arrives. */
    waitUntil?: 'load' | 'domcontentloaded';
  } = {},
) {
  const context = options.context ?? (await browser.newContext({ viewport: { width: 1200, height: 800 } }));
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const o: Opened = { page, context, console: [], errors: [] };
  page.on('console', (m) => {
    if (!NETWORK_LOG.test(m.text())) o.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => o.errors.push(String(e)));
  opened.push(o);
  await page.goto(shop.url + path, {
    waitUntil: options.waitUntil ?? 'load',
    ...(options.referer ? { referer: options.referer } : {}),
  });
  return o;
}

/**
 * Events of all accepted (2xx) requests, optionally of one visitor, each id once (first wins):
 * like the real collector, which drops repeated ids (a beaconed event is resent by the next page).
 * {@link sendsOf} counts the repeats.
 */
function accepted(visitorId?: string): TrackedEvent[] {
  const byId = new Map<string, TrackedEvent>();
  for (const r of collector.requests)
    if (r.status === 200)
      for (const e of (r.body as { events: TrackedEvent[] }).events) if (!byId.has(e.id)) byId.set(e.id, e);
  const events = [...byId.values()];
  return visitorId ? events.filter((e) => e.visitorId === visitorId) : events;
}

/** Requests (any status) that carried events of `visitorId`. */
const requestsOf = (visitorId: string) => collector.requests.filter((r) => r.raw.includes(visitorId));
/** How often each event id of `visitorId` was sent (fetch or beacon, any status). */
function sendsOf(visitorId: string): Map<string, number> {
  const sends = new Map<string, number>();
  for (const r of requestsOf(visitorId))
    for (const e of (r.body as { events: TrackedEvent[] }).events)
      sends.set(e.id, (sends.get(e.id) ?? 0) + 1);
  return sends;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `probe` until it returns something truthy, and returns that. */
async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeout = 10_000): Promise<Truthy<T>> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const visitorOf = (page: Page) => page.evaluate(() => localStorage.getItem('fw_vid'));
const pageViews = (visitorId: string) => accepted(visitorId).filter((e) => e.type === 'page_view');

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'fw-snippet-e2e-'));
  const results = await buildSnippet({ outdir: dist, log: () => {} });
  expect(results.filter((r) => r.problem)).toEqual([]);
  collector = await startCaptureServer(dist);
  shop = await startPageServer(pages);
  pages.set('/plain', html('Plain page'));
  pages.set('/other', html('Other page'));
  pages.set('/app', html('App home'));
  pages.set('/dnt', html('Respects DNT', { attrs: 'data-respect-dnt' }));
  pages.set('/debug', html('Debug', { attrs: 'data-debug' }));
  pages.set('/nostub', html('No stub', { stub: false }));
  pages.set(
    '/queued',
    html('Queued', {
      head: `<script>
        floorwalker('identify', { email: 'ada@example.com', name: 'Ada', plan: 'pro' });
        floorwalker('track', 'add_to_cart', { value: 49.9, currency: 'EUR', sku: 'X1' });
        document.documentElement.dataset.queued = String(floorwalker.q.length);
      </script>`,
    }),
  );
  pages.set(
    '/esm',
    `<!doctype html><html><head><title>Module app</title></head><body><script type="module">
      import { init } from '${collector.url}/s/snippet.esm.js';
      const fw = init({ site: 'esm-site', collector: '${collector.url}', realtime: false });
      fw.track('add_to_cart', { value: 10, currency: 'EUR', sku: 'M1' });
      document.body.dataset.same = String(init({ site: 'other', collector: 'http://nowhere.test' }) === fw);
      document.body.dataset.loaded = String(await fw.load('probe'));
    </script></body></html>`,
  );
  // A lazily loaded part as a chunk file would ship it: it hands its factory over with a DOM event.
  collector.files.set(
    'snippet-probe.js',
    `document.dispatchEvent(new CustomEvent('floorwalker:chunk', { detail: { name: 'probe', factory: (ctx) => {
      ctx.track('probe_loaded', { site: ctx.site, pageViewId: ctx.ids().pageViewId });
      return 42;
    } } }));`,
  );
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.context.close();
    expect(o.errors, 'errors on the host page').toEqual([]);
    if (!o.page.url().includes('/debug')) expect(o.console, 'console output').toEqual([]);
  }
  collector.failNext(0);
  collector.setDown(false);
  collector.setSnippetDelay(0);
  collector.setFileDelay(CORE, 0);
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await shop?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('snippet in Chromium', () => {
  it('sends a page view with ids, URL, title, referrer and screen in a text/plain batch the protocol accepts', async () => {
    const { page } = await open('/plain?utm_source=news', { referer: 'https://ref.example/post' });
    const visitorId = await waitFor(() => visitorOf(page), 'visitor id');
    const [view] = await waitFor(() => pageViews(visitorId!).length && pageViews(visitorId!), 'page view');
    expect(view).toMatchObject({
      type: 'page_view',
      navigation: 'load',
      url: `${shop.url}/plain?utm_source=news`,
      title: 'Plain page',
      referrer: 'https://ref.example/post',
      language: expect.stringMatching(/^[a-z]{2}/),
      screen: expect.stringMatching(/^\d+x\d+$/),
    });
    expect(view!.id).toMatch(UUID);
    expect(view!.sessionId).toMatch(UUID);
    expect(view!.pageViewId).toMatch(UUID);
    expect(Math.abs(view!.ts - Date.now())).toBeLessThan(15_000);
    const request = collector.requests.find((r) =>
      (r.body as { events: TrackedEvent[] }).events.some((e) => e.id === view!.id),
    )!;
    expect(request.contentType).toMatch(/^text\/plain/);
    const batch = eventBatch.parse(request.body);
    expect(batch.site).toBe(SITE);
    expect(batch.sentAt).toBeGreaterThanOrEqual(view!.ts);
    // The whole run: every batch valid, never a CORS preflight.
    for (const r of collector.requests) expect(eventBatch.safeParse(r.body).success, r.raw).toBe(true);
    expect(collector.preflights).toBe(0);
  });

  it('keeps the visitor across reloads and starts a new session after 30 idle minutes', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const [first] = await waitFor(() => pageViews(visitorId).length && pageViews(visitorId), 'page view');
    await page.reload();
    const second = (
      await waitFor(() => pageViews(visitorId).length >= 2 && pageViews(visitorId), 'second view')
    )[1]!;
    expect(second.sessionId).toBe(first!.sessionId);
    expect(second.pageViewId).not.toBe(first!.pageViewId);
    await page.evaluate(() => {
      const [id] = localStorage.getItem('fw_sid')!.split('.');
      localStorage.setItem('fw_sid', `${id}.${Date.now() - 31 * 60 * 1000}`);
    });
    await page.reload();
    const third = (
      await waitFor(() => pageViews(visitorId).length >= 3 && pageViews(visitorId), 'third view')
    )[2]!;
    expect(third.visitorId).toBe(visitorId);
    expect(third.sessionId).not.toBe(first!.sessionId);
    expect(third.sessionId).toMatch(UUID);
  });

  it('records route changes of a single-page app as spa page views, but not anchor jumps or same-URL replaces', async () => {
    const { page } = await open('/app');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await waitFor(() => pageViews(visitorId).length, 'first view');
    const count = async (n: number, what: string) => {
      await page.evaluate(() => floorwalker('flush'));
      return waitFor(() => pageViews(visitorId).length >= n && pageViews(visitorId), what);
    };
    await page.evaluate(() => {
      history.pushState({}, '', '/app/products');
      document.title = 'Products'; // set by the app after the route change, as routers do
    });
    let views = await count(2, 'pushState view');
    expect(views[1]).toMatchObject({
      navigation: 'spa',
      url: `${shop.url}/app/products`,
      title: 'Products',
      referrer: `${shop.url}/app`,
    });
    await page.evaluate(() => history.replaceState({ some: 'state' }, ''));
    await page.evaluate(() => {
      location.hash = '#reviews';
    });
    await page.evaluate(() => history.replaceState({}, '', '/app/products?sort=price'));
    views = await count(3, 'replaceState view');
    expect(views[2]!.url).toBe(`${shop.url}/app/products?sort=price`);
    // The replaceState replaced the #reviews entry: back goes to the pushState entry.
    await page.goBack();
    views = await count(4, 'popstate view');
    expect(views[3]!.url).toBe(`${shop.url}/app/products`);
    await page.evaluate(() => {
      location.hash = '#/cart';
    });
    views = await count(5, 'hash route view');
    expect(views[4]!.url).toBe(`${shop.url}/app/products#/cart`);
    await new Promise((r) => setTimeout(r, 500));
    await page.evaluate(() => floorwalker('flush'));
    await new Promise((r) => setTimeout(r, 500));
    expect(pageViews(visitorId)).toHaveLength(5);
    expect(new Set(views.map((v) => v.pageViewId)).size).toBe(5);
    expect(views.slice(1).every((v) => v.navigation === 'spa')).toBe(true);
    // The page being left reports its scroll depth under its own page view id.
    const firstEngagement = accepted(visitorId).find(
      (e) => e.type === 'engagement' && e.pageViewId === views[0]!.pageViewId,
    );
    expect(firstEngagement).toMatchObject({ url: `${shop.url}/app`, scrollDepth: expect.any(Number) });
  });

  it('measures engaged time and scroll depth and reports page_leave on pagehide', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const [view] = await waitFor(() => pageViews(visitorId).length && pageViews(visitorId), 'page view');
    const started = Date.now();
    await page.mouse.move(100, 100);
    await page.waitForTimeout(1200);
    await page.mouse.wheel(0, 10_000);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.mouse.move(200, 200);
    await page.waitForTimeout(1200);
    await page.goto(`${shop.url}/other`);
    const elapsed = Date.now() - started;
    const ofView = () => accepted(visitorId).filter((e) => e.pageViewId === view!.pageViewId);
    await waitFor(() => ofView().some((e) => e.type === 'page_leave'), 'page_leave');
    const engagements = ofView().filter((e) => e.type === 'engagement');
    const engaged = engagements.reduce((sum, e) => sum + e.engagedMs, 0);
    expect(engaged).toBeGreaterThanOrEqual(2000);
    expect(engaged).toBeLessThanOrEqual(elapsed + 1000);
    expect(Math.max(...engagements.map((e) => e.scrollDepth))).toBe(100);
  });

  it('sends presence heartbeats while the page is visible', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await page.mouse.move(50, 50);
    const beat = await waitFor(
      () => accepted(visitorId).find((e) => e.type === 'heartbeat'),
      'heartbeat',
      25_000,
    );
    expect(beat).toMatchObject({ active: true, url: `${shop.url}/plain` });
  });

  it('sends shop events, custom events and identify with their values', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await page.evaluate(() => {
      floorwalker('track', 'add_to_cart', {
        value: 49.9,
        currency: 'EUR',
        sku: 'X1',
        quantity: 2,
        color: 'red',
      });
      floorwalker('track', 'remove_from_cart', { value: 24.95, currency: 'EUR', sku: 'X1', quantity: 1 });
      floorwalker('track', 'checkout_started', { value: 24.95, currency: 'EUR' });
      floorwalker('track', 'purchase', { value: 24.95, currency: 'EUR', orderId: 'A-1001' });
      floorwalker('track', 'newsletter_signup', { list: 'weekly' });
      floorwalker('identify', { email: 'ada@example.com', name: 'Ada', plan: 'pro' });
    });
    const events = await waitFor(() => {
      const all = accepted(visitorId);
      return all.some((e) => e.type === 'identify') && all;
    }, 'events');
    const byType = (t: string) => events.find((e) => e.type === t);
    expect(byType('add_to_cart')).toMatchObject({
      value: 49.9,
      currency: 'EUR',
      sku: 'X1',
      quantity: 2,
      props: { color: 'red' },
    });
    expect(byType('remove_from_cart')).toMatchObject({
      value: 24.95,
      currency: 'EUR',
      sku: 'X1',
      quantity: 1,
    });
    expect(byType('checkout_started')).toMatchObject({ value: 24.95, currency: 'EUR' });
    expect(byType('purchase')).toMatchObject({ value: 24.95, currency: 'EUR', orderId: 'A-1001' });
    expect(byType('custom')).toMatchObject({ name: 'newsletter_signup', props: { list: 'weekly' } });
    expect(byType('identify')).toMatchObject({
      traits: { email: 'ada@example.com', name: 'Ada', plan: 'pro' },
    });
    const pv = byType('page_view')!.pageViewId;
    expect(events.every((e) => e.pageViewId === pv && e.visitorId === visitorId)).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('replays the calls the stub queued before the script loaded', async () => {
    collector.setSnippetDelay(700);
    const { page } = await open('/queued');
    expect(await page.evaluate(() => document.documentElement.dataset.queued)).toBe('2');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const events = await waitFor(
      () => accepted(visitorId).length >= 3 && accepted(visitorId),
      'queued events',
    );
    expect(events.map((e) => e.type)).toEqual(['page_view', 'identify', 'add_to_cart']);
    expect(events[2]).toMatchObject({
      value: 49.9,
      currency: 'EUR',
      sku: 'X1',
      pageViewId: events[0]!.pageViewId,
    });
    // Replayed right after the page view: one request, not three.
    expect(collector.requests.filter((r) => r.raw.includes(visitorId))).toHaveLength(1);
    expect(await page.evaluate(() => typeof (floorwalker as unknown as { q?: unknown }).q)).toBe('undefined');
  });

  it('records the first page view at the time the loader ran, and the calls and route changes made before a late core arrived', async () => {
    collector.setFileDelay(CORE, 1500);
    const before = Date.now();
    const { page } = await open('/app?late-core', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (floorwalker as unknown as { loaded?: boolean }).loaded === true);
    const loaderRan = Date.now();
    await page.evaluate(() => {
      floorwalker('track', 'add_to_cart', { value: 12, currency: 'EUR', sku: 'E1', nested: { no: 1 } });
      history.pushState({}, '', '/app/early');
      document.title = 'Early route';
    });
    const called = Date.now();
    // The core is not there yet: nothing went out, and the page waits in storage in case it goes away.
    expect(collector.requests.some((r) => r.raw.includes('late-core'))).toBe(false);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('fw_pre_test-site') ?? '[]'));
    expect(stored).toMatchObject([
      {
        u: `${shop.url}/app?late-core`,
        n: 'App home',
        a: true,
        q: [
          [
            expect.any(Number),
            expect.stringMatching(UUID),
            'track',
            'add_to_cart',
            { value: 12, currency: 'EUR', sku: 'E1' },
          ],
        ],
      },
    ]);

    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const views = await waitFor(
      () => pageViews(visitorId).length >= 2 && pageViews(visitorId),
      'both page views',
    );
    const [first, spa] = views;
    expect(first).toMatchObject({ navigation: 'load', url: `${shop.url}/app?late-core`, title: 'App home' });
    expect(first!.ts).toBeGreaterThanOrEqual(before);
    expect(first!.ts).toBeLessThanOrEqual(loaderRan);
    expect(spa).toMatchObject({
      navigation: 'spa',
      url: `${shop.url}/app/early`,
      title: 'Early route',
      referrer: `${shop.url}/app?late-core`,
    });
    const cart = accepted(visitorId).find((e) => e.type === 'add_to_cart')!;
    expect(cart).toMatchObject({
      sku: 'E1',
      value: 12,
      pageViewId: first!.pageViewId,
      url: `${shop.url}/app?late-core`,
    });
    expect(cart.props).toBeUndefined();
    expect(cart.ts).toBeGreaterThanOrEqual(first!.ts);
    expect(cart.ts).toBeLessThanOrEqual(called);
    // Sent only once the core had arrived, with the times of the moments they happened.
    const firstRequest = collector.requests.find((r) => r.raw.includes(visitorId))!;
    expect(firstRequest.at - before).toBeGreaterThanOrEqual(1400);
    expect(firstRequest.at - first!.ts).toBeGreaterThanOrEqual(1000);
    expect(await page.evaluate(() => localStorage.getItem('fw_pre_test-site'))).toBeNull();
    await page.evaluate(() => floorwalker('flush'));
    await page.waitForTimeout(500);
    expect(pageViews(visitorId)).toHaveLength(2);
  });

  it('sends what a page recorded before its core arrived from the next page when that page went away first', async () => {
    collector.setFileDelay(CORE, 20_000);
    const { page } = await open('/plain?early-page', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (floorwalker as unknown as { loaded?: boolean }).loaded === true);
    await page.evaluate(() => {
      floorwalker('identify', { email: 'early@example.com' });
      floorwalker('track', 'purchase', { value: 30, currency: 'EUR', orderId: 'E-1' });
    });
    expect(collector.requests.some((r) => r.raw.includes('E-1'))).toBe(false);
    const left = Date.now();
    collector.setFileDelay(CORE, 0);
    await page.goto(`${shop.url}/other`);
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const events = await waitFor(() => {
      const all = accepted(visitorId);
      return all.some((e) => e.type === 'purchase') && pageViews(visitorId).length >= 2 && all;
    }, 'the early page and the next one');
    const [plain, other] = pageViews(visitorId);
    expect(plain).toMatchObject({
      navigation: 'load',
      url: `${shop.url}/plain?early-page`,
      title: 'Plain page',
    });
    expect(other).toMatchObject({ navigation: 'load', url: `${shop.url}/other`, title: 'Other page' });
    expect(plain!.pageViewId).not.toBe(other!.pageViewId);
    expect(plain!.ts).toBeLessThan(left);
    expect(other!.ts).toBeGreaterThanOrEqual(left);
    const identify = events.find((e) => e.type === 'identify')!;
    const purchase = events.find((e) => e.type === 'purchase')!;
    expect(identify).toMatchObject({ traits: { email: 'early@example.com' }, pageViewId: plain!.pageViewId });
    expect(purchase).toMatchObject({
      value: 30,
      currency: 'EUR',
      orderId: 'E-1',
      pageViewId: plain!.pageViewId,
      url: `${shop.url}/plain?early-page`,
    });
    expect(plain!.ts).toBeLessThanOrEqual(identify.ts);
    expect(identify.ts).toBeLessThanOrEqual(purchase.ts);
    expect(purchase.ts).toBeLessThan(left);
    expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([plain!.sessionId]));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(await page.evaluate(() => localStorage.getItem('fw_pre_test-site'))).toBeNull();
  });

  it('keeps nothing of an opted-out visitor while the core is on its way', async () => {
    collector.setFileDelay(CORE, 20_000);
    const { page } = await open('/plain', {
      waitUntil: 'domcontentloaded',
      initScript: "localStorage.setItem('fw_optout', '1')",
    });
    await page.waitForFunction(() => (floorwalker as unknown as { loaded?: boolean }).loaded === true);
    await page.evaluate(() => floorwalker('track', 'add_to_cart', { value: 1 }));
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['fw_optout']);
  });

  it('retries a failed batch with backoff and the same event ids', async () => {
    collector.failNext(2);
    const before = collector.requests.length;
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await page.evaluate(() => floorwalker('track', 'add_to_cart', { value: 5, currency: 'EUR', sku: 'R1' }));
    await waitFor(
      () => ['page_view', 'add_to_cart'].every((t) => accepted(visitorId).some((e) => e.type === t)),
      'accepted retries',
      20_000,
    );
    const mine = collector.requests.slice(before).filter((r) => r.raw.includes(visitorId));
    const failed = mine.filter((r) => r.status === 503);
    expect(failed).toHaveLength(2);
    const idsOf = (r: (typeof mine)[number]) =>
      (r.body as { events: TrackedEvent[] }).events.map((e) => e.id);
    const acceptedIds = mine.filter((r) => r.status === 200).flatMap(idsOf);
    for (const id of failed.flatMap(idsOf)) expect(acceptedIds).toContain(id);
    // Same event, same id and client time, however often it was sent.
    const view = accepted(visitorId).find((e) => e.type === 'page_view')!;
    const firstTry = (failed[0]!.body as { events: TrackedEvent[] }).events.find(
      (e) => e.type === 'page_view',
    )!;
    expect(firstTry).toEqual(view);
    expect(failed[1]!.at - failed[0]!.at).toBeGreaterThanOrEqual(450);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
    // Once the answers are in, the outbox is empty.
    await waitFor(
      async () => (await page.evaluate(() => localStorage.getItem('fw_ob_test-site'))) === null,
      'empty outbox',
    );
  });

  it('keeps events the collector refused and sends them from the next page after a navigation', async () => {
    collector.setDown(true);
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await page.evaluate(() => floorwalker('track', 'wishlist_add', { sku: 'W9' }));
    await waitFor(
      () =>
        collector.requests.some(
          (r) => r.status === 503 && r.raw.includes('wishlist_add') && r.raw.includes(visitorId),
        ),
      'a refused request',
    );
    const refused = collector.requests.find(
      (r) => r.raw.includes('wishlist_add') && r.raw.includes(visitorId),
    )!;
    const lost = (refused.body as { events: TrackedEvent[] }).events.find((e) => e.type === 'custom')!;
    await page.goto(`${shop.url}/other`);
    await waitFor(
      () => pageViews(visitorId).length === 0 && collector.requests.some((r) => r.raw.includes('Other page')),
      'next page tried',
    );
    collector.setDown(false);
    const delivered = await waitFor(
      () => accepted(visitorId).find((e) => e.id === lost.id),
      'delivery from the next page',
      20_000,
    );
    expect(delivered).toEqual(lost);
    expect(delivered.pageViewId).not.toBe(
      accepted(visitorId).find((e) => e.type === 'page_view' && e.url.endsWith('/other'))?.pageViewId,
    );
  });

  it('delivers events beaconed on page hide while the collector was down from the next page, with the same ids', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await waitFor(() => pageViews(visitorId).length, 'page view while the collector is up');
    collector.setDown(true);
    // Batched for 2 s, but the shopper leaves at once: no request of this page has failed yet,
    // so the beacon (which the browser reports as queued) is the first and only attempt here.
    await page.evaluate(() => floorwalker('track', 'wishlist_add', { sku: 'B7' }));
    await page.goto(`${shop.url}/other`);
    const beacon = await waitFor(
      () => requestsOf(visitorId).find((r) => r.raw.includes('wishlist_add')),
      'the beacon',
    );
    expect(beacon.status).toBe(503);
    const lost = (beacon.body as { events: TrackedEvent[] }).events;
    expect(lost.map((e) => e.type).sort()).toEqual(expect.arrayContaining(['custom', 'page_leave']));
    // The next page tries them again (with its own page view) while the collector is still down.
    await waitFor(
      () =>
        requestsOf(visitorId).some(
          (r) => r.at > beacon.at && r.raw.includes('wishlist_add') && r.raw.includes('Other page'),
        ),
      'the resend from the next page',
    );
    expect(accepted(visitorId).some((e) => e.type === 'custom')).toBe(false);
    collector.setDown(false);
    await waitFor(
      () => lost.every((e) => accepted(visitorId).some((a) => a.id === e.id)),
      'delivery once the collector is back',
      20_000,
    );
    for (const e of lost) expect(accepted(visitorId).find((a) => a.id === e.id)).toEqual(e);
    await waitFor(
      async () => (await page.evaluate(() => localStorage.getItem('fw_ob_test-site'))) === null,
      'empty outbox',
    );
  });

  it('sends a single-page app route change within 300 ms while other events wait for the batch', async () => {
    const { page } = await open('/app');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await waitFor(() => pageViews(visitorId).length, 'first view');
    await page.waitForTimeout(300);
    const clicked = Date.now();
    await page.evaluate(() => {
      floorwalker('track', 'filter_used', { facet: 'price' });
      history.pushState({}, '', '/app/fast');
      document.title = 'Fast route';
    });
    const request = await waitFor(
      () => requestsOf(visitorId).find((r) => r.at >= clicked && r.raw.includes('/app/fast')),
      'the spa page view request',
    );
    console.info(`spa page view request ${request.at - clicked} ms after the route change`);
    expect(request.at - clicked).toBeLessThan(300);
    const view = (request.body as { events: TrackedEvent[] }).events.find((e) => e.type === 'page_view');
    expect(view).toMatchObject({ navigation: 'spa', url: `${shop.url}/app/fast`, title: 'Fast route' });
    // The custom event recorded in the same task shares the request; a later one waits ~2 s.
    expect(request.raw).toContain('filter_used');
    const tracked = Date.now();
    await page.evaluate(() => floorwalker('track', 'sort_used', { by: 'price' }));
    const later = await waitFor(
      () => requestsOf(visitorId).find((r) => r.raw.includes('sort_used')),
      'the batched event',
    );
    expect(later.at - tracked).toBeGreaterThanOrEqual(1500);
  });

  it('resends what a page beaconed at most once and then goes quiet over normal navigations', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await waitFor(() => pageViews(visitorId).length, 'first view');
    const urls = ['/other', '/plain?second', '/other?third'];
    for (const [i, path] of urls.entries()) {
      await page.mouse.move(100 + i, 100);
      await page.evaluate(() => floorwalker('track', 'clicked_thing'));
      await page.goto(shop.url + path);
      await waitFor(() => pageViews(visitorId).length === i + 2, `view of ${path}`);
    }
    await page.waitForTimeout(3000);
    await page.evaluate(() => floorwalker('flush'));
    await waitFor(
      async () => (await page.evaluate(() => localStorage.getItem('fw_ob_test-site'))) === null,
      'empty outbox',
    );
    const requests = requestsOf(visitorId).length;
    const sends = sendsOf(visitorId);
    // Each event: once, or a beacon plus one resend from the next page; no request ever failed.
    expect(requestsOf(visitorId).every((r) => r.status === 200)).toBe(true);
    expect([...sends.values()].every((n) => n <= 2)).toBe(true);
    expect(sends.size).toBe(accepted(visitorId).length);
    const leaves = accepted(visitorId).filter((e) => e.type === 'page_leave');
    expect(leaves).toHaveLength(3);
    expect(leaves.every((e) => sends.get(e.id) === 2)).toBe(true);
    expect(pageViews(visitorId).every((e) => sends.get(e.id) === 1)).toBe(true);
    // Per navigation: the beacon, and the next page view's request, which carries the resends.
    expect(requests).toBeLessThanOrEqual(1 + 2 * urls.length);
    console.info(`requests over ${urls.length} navigations: ${requests}; events ${sends.size}`);
    await page.waitForTimeout(2500);
    expect(requestsOf(visitorId)).toHaveLength(requests);
  });

  it('tracks nobody who sends Global Privacy Control or Do Not Track when the site respects it, and only then', async () => {
    for (const signal of ['globalPrivacyControl', 'doNotTrack']) {
      const value = signal === 'doNotTrack' ? "'1'" : 'true';
      const { page, context } = await open('/dnt', {
        initScript: `Object.defineProperty(Navigator.prototype, '${signal}', { get: () => ${value} });`,
      });
      await page.evaluate(() => floorwalker('track', 'add_to_cart', { value: 1 }));
      await page.waitForTimeout(2500);
      expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
      expect(collector.requests.some((r) => r.raw.includes(`${shop.url}/dnt`))).toBe(false);
      // The same browser on a site that does not ask for it is tracked.
      const other = await open('/plain', { context });
      const visitorId = (await waitFor(() => visitorOf(other.page), 'visitor id'))!;
      await waitFor(() => pageViews(visitorId).length, `tracked without data-respect-dnt (${signal})`);
    }
  });

  it('stops for good after optout, across reloads, until optin', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await waitFor(() => pageViews(visitorId).length, 'page view');
    await page.evaluate(() => {
      floorwalker('optout');
      floorwalker('track', 'after_optout');
    });
    expect(await page.evaluate(() => localStorage.getItem('fw_vid'))).toBeNull();
    await page.goto(`${shop.url}/plain?after=optout`);
    await page.evaluate(() => floorwalker('track', 'after_optout_reload'));
    await page.waitForTimeout(2500);
    expect(
      collector.requests.some((r) => r.raw.includes('after_optout') || r.raw.includes('after=optout')),
    ).toBe(false);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['fw_optout']);
    await page.evaluate(() => floorwalker('optin'));
    const newVisitor = (await waitFor(() => visitorOf(page), 'new visitor id'))!;
    expect(newVisitor).not.toBe(visitorId);
    const [view] = await waitFor(
      () => pageViews(newVisitor).length && pageViews(newVisitor),
      'page view after optin',
    );
    expect(view!.url).toBe(`${shop.url}/plain?after=optout`);
  });

  it('adds no global but floorwalker and survives bad calls and blocked storage without a trace', async () => {
    const { page } = await open('/nostub', {
      initScript: `
        const before = Object.getOwnPropertyNames(window);
        const problems = [];
        addEventListener('error', (e) => problems.push(String(e.message)));
        addEventListener('unhandledrejection', (e) => problems.push('rejection ' + e.reason));
        Object.defineProperty(window, '__probe', { value: { before, problems } });
        Storage.prototype.setItem = function () { throw new DOMException('blocked', 'SecurityError'); };
      `,
    });
    await page.waitForFunction(() => typeof floorwalker === 'function');
    const added = await page.evaluate(() => {
      const { before } = (window as unknown as { __probe: { before: string[] } }).__probe;
      return Object.getOwnPropertyNames(window).filter((k) => !before.includes(k) && k !== '__probe');
    });
    expect(added).toEqual(['floorwalker']);
    await page.evaluate(async () => {
      const fw = floorwalker as (...args: unknown[]) => unknown;
      fw();
      fw('nope', 1);
      fw('track');
      fw('track', null, 5);
      fw('track', 'x', { nested: { deep: true }, fn: () => 1, big: 10n });
      fw('identify', 7);
      fw('load', 'missing-part');
      fw({ toString: () => 'track' });
      history.pushState(null, '', '/nostub/next');
      await new Promise((r) => setTimeout(r, 1500));
    });
    expect(
      await page.evaluate(() => (window as unknown as { __probe: { problems: string[] } }).__probe.problems),
    ).toEqual([]);
    // localStorage refuses writes: the visitor id lives in a first-party cookie instead.
    const cookie = await waitFor(
      async () => (await page.context().cookies()).find((c) => c.name === 'fw_vid'),
      'cookie',
    );
    const visitorId = cookie.value;
    await waitFor(() => pageViews(visitorId).length >= 2, 'page views with cookie ids');
    await page.reload();
    await waitFor(() => pageViews(visitorId).length >= 3, 'same visitor after reload');
  });

  it('writes to the console only with data-debug', async () => {
    const o = await open('/debug');
    await waitFor(() => o.console.some((m) => m.includes('[floorwalker]')), 'debug output');
  });

  it('loads a lazily built part from the collector once and gives it the tracker context', async () => {
    const { page } = await open('/plain');
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    await page.evaluate(() => {
      floorwalker('load', 'probe');
      floorwalker('load', 'probe');
    });
    const loaded = await waitFor(
      () => accepted(visitorId).find((e) => e.type === 'custom' && e.name === 'probe_loaded'),
      'chunk event',
    );
    const view = accepted(visitorId).find((e) => e.type === 'page_view')!;
    expect(loaded).toMatchObject({ props: { site: SITE, pageViewId: view.pageViewId } });
    await page.waitForTimeout(500);
    await page.evaluate(() => floorwalker('flush'));
    await page.waitForTimeout(500);
    expect(accepted(visitorId).filter((e) => e.type === 'custom' && e.name === 'probe_loaded')).toHaveLength(
      1,
    );
  });

  it('works as an ES module with init() and no global', async () => {
    const { page } = await open('/esm');
    await page.waitForFunction(() => document.body.dataset.loaded === '42');
    expect(
      await page.evaluate(() => [
        typeof (window as { floorwalker?: unknown }).floorwalker,
        document.body.dataset.same,
      ]),
    ).toEqual(['undefined', 'true']);
    const visitorId = (await waitFor(() => visitorOf(page), 'visitor id'))!;
    const events = await waitFor(
      () => accepted(visitorId).length >= 3 && accepted(visitorId),
      'module events',
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['page_view', 'add_to_cart', 'custom']));
    const request = collector.requests.find((r) => r.raw.includes(visitorId))!;
    expect((request.body as { site: string }).site).toBe('esm-site');
  });
});

declare global {
  function floorwalker(...args: unknown[]): void;
}
