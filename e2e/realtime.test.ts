import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollector, loadCollectorConfig } from '@floorwalker/collector';
import {
  type InvitationMessage,
  type VisitorSignal,
  visitorRoom,
  visitorSignal,
} from '@floorwalker/protocol';
import { siteRegistry } from '@floorwalker/store';
import { Emitter } from '@socket.io/redis-emitter';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSnippet } from '../snippet/build.ts';
import { openTestRedis, type TestRedis } from '../test/helpers/stores.ts';
import { launchBrowser } from './helpers/browser.ts';
import { startPageServer } from './helpers/snippet-capture-server.ts';

/**
 * The realtime chunk against the real collector: snippet → socket.io `/visitor` → Redis, and
 * invitations emitted the way the engine emits them (socket.io Redis emitter, visitor's room).
 */

const SITE = 'site_realtime_e2e';
/** Messages the browser itself logs for a failed request or socket: the network, not a script. */
const NETWORK_LOG = /^(Failed to load resource|WebSocket connection to .* failed)/;
/** The default accent of the widget (`--fw-accent`). */
const ACCENT = 'rgb(31, 95, 214)';

let dist: string;
let t: TestRedis;
let app: FastifyInstance;
let collectorUrl: string;
let shop: { url: string; close(): Promise<void> };
let browser: Browser;
let emitter: Emitter;
const pages = new Map<string, string>();

interface Tab {
  page: Page;
  console: string[];
  errors: string[];
}
const contexts: BrowserContext[] = [];
const tabs: Tab[] = [];

function html(options: { head?: string; body?: string; title?: string } = {}) {
  const { head = '', body = '', title = 'Checkout' } = options;
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title}</title>${head}
<script async src="${collectorUrl}/snippet.js" data-site="${SITE}"></script></head>
<body><h1>${title}</h1><a id="first" href="#first">Shipping options</a>${body}
<p>Order summary</p><button id="host-button" class="pri x">Host button</button></body></html>`;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;
async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeout = 10_000): Promise<Truthy<T>> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function signals(visitorId: string): Promise<VisitorSignal[]> {
  const entries = await t.redis.xrange(t.keys.key('signals'), '-', '+');
  return entries
    .map(([, fields]) => visitorSignal.parse(JSON.parse(fields[1] ?? '')))
    .filter((s) => s.visitorId === visitorId);
}

async function feedback(visitorId: string, invitationId: string): Promise<string[]> {
  return (await signals(visitorId)).flatMap((s) =>
    s.type === 'invitation' && s.invitationId === invitationId ? [s.outcome] : [],
  );
}

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  // Every global the page has before any script runs, to find the ones the snippet would add.
  await context.addInitScript(() => {
    // Before any element exists: session storage is the one place that adds no global itself.
    sessionStorage.setItem('fw-test-globals', JSON.stringify(Object.getOwnPropertyNames(window)));
  });
  contexts.push(context);
  return context;
}

const visitorOfContext = new Map<BrowserContext, string>();
const connections = async (visitorId: string | undefined) =>
  visitorId ? (await signals(visitorId)).filter((s) => s.type === 'presence' && s.connected && s.active) : [];

/** Opens a page and waits until its realtime socket is connected; returns the visitor's ids. */
async function openTab(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const tab: Tab = { page, console: [], errors: [] };
  page.on('console', (m) => {
    if (!NETWORK_LOG.test(m.text())) tab.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => tab.errors.push(String(e)));
  tabs.push(tab);
  // Tabs of one context share the visitor: count its connections so far to find the new one.
  const known = new Set((await connections(visitorOfContext.get(context))).map((s) => JSON.stringify(s)));
  await page.goto(shop.url + path);
  const visitorId = await waitFor(
    () => page.evaluate(() => localStorage.getItem('fw_vid')),
    'the visitor id',
  );
  visitorOfContext.set(context, visitorId);
  const connected = await waitFor(
    async () => (await connections(visitorId)).find((s) => !known.has(JSON.stringify(s))),
    'the realtime socket to connect',
  );
  return { page, visitorId, pageViewId: connected.type === 'presence' ? connected.pageViewId : '' };
}

let counter = 0;
function invite(visitorId: string, over: Partial<InvitationMessage> = {}): InvitationMessage {
  const message: InvitationMessage = {
    invitationId: `inv_e2e_${++counter}_${Date.now().toString(36)}`,
    triggerId: 'trigger_checkout_help',
    pageViewId: 'pv',
    message: 'Need a hand with your order?',
    persona: { name: 'Anna' },
    autoOpen: false,
    expiresAt: Date.now() + 120_000,
    ...over,
  };
  emitter.of('/visitor').to(visitorRoom(SITE, visitorId)).emit('invitation', message);
  return message;
}

const panel = (page: Page) => page.locator('floorwalker-widget .p');
const dialog = (page: Page, name: string | RegExp) => page.getByRole('dialog', { name });

/** The label of the focused element inside the widget, or undefined when focus is outside it. */
const focusedInWidget = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (active?.tagName !== 'FLOORWALKER-WIDGET') return undefined;
    const inner = active.shadowRoot?.activeElement;
    return inner ? inner.getAttribute('aria-label') || inner.textContent || inner.tagName : undefined;
  });

/** Presses Tab until `label` has focus inside the widget. */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedInWidget(page)) === label) return;
  }
  throw new Error(`Tab never reached ${label}`);
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The real collector (HTTP ingest, snippet files, `/visitor` socket) on `port` (0: any). */
async function startCollector(port: number): Promise<FastifyInstance> {
  const config = loadCollectorConfig({
    REDIS_URL: t.url,
    REDIS_PREFIX: t.keys.prefix,
    SNIPPET_DIR: dist,
    GEOIP_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  });
  const started = await buildCollector({
    config,
    redis: t.redis,
    keys: t.keys,
    logger: false,
    metrics: { processMetrics: false },
  });
  await started.listen({ host: '127.0.0.1', port });
  return started;
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'fw-realtime-e2e-'));
  const built = await buildSnippet({ outdir: dist, log: () => {} });
  expect(built.filter((r) => r.problem)).toEqual([]);
  expect(built.find((r) => r.file === 'snippet-realtime.js')?.gzip).toBeLessThanOrEqual(22 * 1024);

  t = await openTestRedis();
  shop = await startPageServer(pages);
  await siteRegistry(t.redis, t.keys).publish({
    siteId: SITE,
    name: 'Realtime shop',
    allowedOrigins: [shop.url],
    timezone: 'Europe/Berlin',
    respectPrivacySignals: false,
    version: 1,
    deleted: false,
    updatedBy: 'test',
    updatedAt: 0,
  });
  app = await startCollector(0);
  // `localhost` vs the shop's `127.0.0.1`: a cross-origin collector, as in production.
  collectorUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  emitter = new Emitter(t.redis, { key: t.keys.socketChannel });

  pages.set('/rt', html());
  pages.set('/rt2', html({ title: 'Cart' }));
  pages.set(
    '/hostile',
    html({
      head: `<style>
        * { color: rgb(255, 0, 0) !important; font-family: serif !important; letter-spacing: 5px !important; }
        button { background: rgb(0, 128, 0) !important; padding: 40px !important; border-radius: 0 !important; }
        p, div { margin: 50px !important; border: 5px solid red !important; }
        :root { --fw-accent: rgb(200, 0, 100); --fw-radius: 3px; }
      </style>`,
    }),
  );
  const bar = (edge: 'top' | 'bottom', id: string) =>
    `<div style="position:fixed;${edge}:0;left:0;right:0;height:72px;background:#eee;display:flex;align-items:center;justify-content:flex-end;padding:0 12px">
      <button id="${id}" style="width:96%;height:52px">${id === 'checkout' ? 'Checkout' : 'Menu'}</button></div>`;
  pages.set(
    '/mobile-checkout',
    html({ body: `<div style="height:1500px"></div>${bar('bottom', 'checkout')}` }),
  );
  pages.set(
    '/mobile-crowded',
    html({
      body: `<div style="height:1500px"></div>${bar('bottom', 'checkout')}${bar('top', 'menu')}
        <div id="promo" data-fw-avoid style="position:fixed;right:0;top:420px;width:100%;height:120px;background:#fde">Free shipping today</div>`,
    }),
  );
  browser = await launchBrowser();
}, 180_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  for (const tab of tabs.splice(0)) {
    expect(tab.errors, 'errors on the host page').toEqual([]);
    expect(tab.console, 'console output').toEqual([]);
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await shop?.close();
  await t?.cleanup();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

describe('realtime chunk in Chromium', () => {
  it("loads after the page's load event, connects with the tracker's ids and adds no global", async () => {
    const context = await newContext();
    const { page, visitorId, pageViewId } = await openTab(context, '/rt');
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const chunk = performance
        .getEntriesByType('resource')
        .find((r) => r.name.endsWith('/s/snippet-realtime.js'));
      return { loadStart: nav.loadEventStart, chunkStart: chunk?.startTime };
    });
    expect(timing.loadStart).toBeGreaterThan(0);
    expect(timing.chunkStart).toBeGreaterThanOrEqual(timing.loadStart);
    const sessionId = await page.evaluate(() => localStorage.getItem('fw_sid')?.split('.')[0]);
    const [first] = await signals(visitorId);
    expect(first).toMatchObject({
      type: 'presence',
      siteId: SITE,
      visitorId,
      sessionId,
      connected: true,
      active: true,
    });
    expect(pageViewId).toMatch(/^[0-9a-f-]{36}$/);
    const added = await page.evaluate(() => {
      const before = new Set(JSON.parse(sessionStorage.getItem('fw-test-globals') ?? '[]') as string[]);
      return Object.getOwnPropertyNames(window).filter((name) => !before.has(name));
    });
    expect(added).toEqual(['floorwalker']);
    // Nothing is added to the page until an invitation arrives.
    expect(await page.locator('floorwalker-widget').count()).toBe(0);
  });

  it('shows an invitation in a shadow root without taking focus, reports it shown, and accepts it from the keyboard', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    const invitation = invite(visitorId);

    const card = dialog(page, 'Chat invitation from Anna');
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('Need a hand with your order?');
    expect(await page.evaluate(() => document.querySelector('floorwalker-widget')?.shadowRoot?.mode)).toBe(
      'open',
    );
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    expect(await page.locator('floorwalker-widget [role=status]').first().textContent()).toBe(
      'Anna: Need a hand with your order?',
    );
    await expect.poll(() => feedback(visitorId, invitation.invitationId)).toEqual(['shown']);

    // Keyboard only: from the page's last control into the widget, then Enter.
    await page.focus('#host-button');
    await tabTo(page, 'Chat with Anna');
    await page.keyboard.press('Enter');
    await expect.poll(() => feedback(visitorId, invitation.invitationId)).toEqual(['shown', 'accepted']);

    const chat = dialog(page, 'Chat with Anna');
    await chat.waitFor();
    expect(await card.count()).toBe(0);
    expect(await chat.getByRole('status').textContent()).toBe('Connecting you to Anna…');
    expect(await focusedInWidget(page)).toBe('TEXTAREA');
    await page.keyboard.type('Where is my parcel?');
    await page.keyboard.press('Enter');
    const mine = chat.locator('.me');
    await mine.waitFor();
    expect(await mine.textContent()).toBe('Where is my parcel?Not sent yet: waiting for Anna to join');
    expect(await chat.getByRole('log').textContent()).toContain('Need a hand with your order?');

    // Escape closes the panel and gives focus back to where it was before the widget.
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('host-button');
    // Accepted means answered: nothing more is reported.
    expect(await feedback(visitorId, invitation.invitationId)).toEqual(['shown', 'accepted']);
  });

  it('dismisses with the No thanks button and with Escape, returning focus to the page', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    const first = invite(visitorId);
    await dialog(page, 'Chat invitation from Anna').waitFor();
    await page.getByRole('button', { name: 'No thanks' }).click();
    await expect.poll(() => feedback(visitorId, first.invitationId)).toEqual(['shown', 'dismissed']);
    expect(await panel(page).count()).toBe(0);

    const second = invite(visitorId, { persona: { name: 'Ben' }, message: 'Questions about sizes?' });
    await dialog(page, 'Chat invitation from Ben').waitFor();
    await page.focus('#host-button');
    await tabTo(page, 'Dismiss invitation');
    await page.keyboard.press('Escape');
    await expect.poll(() => feedback(visitorId, second.invitationId)).toEqual(['shown', 'dismissed']);
    expect(await panel(page).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('host-button');

    // The same invitation delivered again (a retry) is not shown twice.
    emitter.of('/visitor').to(visitorRoom(SITE, visitorId)).emit('invitation', second);
    await new Promise((r) => setTimeout(r, 400));
    expect(await panel(page).count()).toBe(0);
  });

  it('reaches every tab of the visitor and is withdrawn from the others when one tab answers', async () => {
    const context = await newContext();
    const a = await openTab(context, '/rt');
    const b = await openTab(context, '/rt2');
    expect(b.visitorId).toBe(a.visitorId);
    const stranger = await openTab(await newContext(), '/rt');

    const invitation = invite(a.visitorId);
    await dialog(a.page, 'Chat invitation from Anna').waitFor();
    await dialog(b.page, 'Chat invitation from Anna').waitFor();
    await a.page.getByRole('button', { name: 'Chat with Anna' }).click();
    await expect.poll(() => b.page.locator('floorwalker-widget .p').count()).toBe(0);
    await dialog(a.page, 'Chat with Anna').waitFor();
    const outcomes = await feedback(a.visitorId, invitation.invitationId);
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'dismissed')).toHaveLength(0);
    expect(await stranger.page.locator('floorwalker-widget').count()).toBe(0);
  });

  it('opens the chat panel directly for an auto-open invitation; the first message accepts it', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    const invitation = invite(visitorId, {
      autoOpen: true,
      persona: { name: 'Anna', avatarUrl: 'javascript:alert(1)' },
    });
    const chat = dialog(page, 'Chat with Anna');
    await chat.waitFor();
    expect(await chat.getByRole('status').textContent()).toBe('Anna is here to help');
    expect(await chat.locator('img').count()).toBe(0);
    await expect.poll(() => feedback(visitorId, invitation.invitationId)).toEqual(['shown']);
    await chat.getByRole('textbox', { name: 'Message to Anna' }).fill('Do you ship to Norway?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => feedback(visitorId, invitation.invitationId)).toEqual(['shown', 'accepted']);
    expect(await chat.getByRole('status').textContent()).toBe('Connecting you to Anna…');
  });

  it('removes an unanswered invitation at expiresAt and ignores one that already expired', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    const stale = invite(visitorId, { expiresAt: Date.now() - 1000 });
    const brief = invite(visitorId, { expiresAt: Date.now() + 1500 });
    await dialog(page, 'Chat invitation from Anna').waitFor();
    await expect.poll(() => panel(page).count(), { timeout: 5000 }).toBe(0);
    expect(await feedback(visitorId, brief.invitationId)).toEqual(['shown']);
    expect(await feedback(visitorId, stale.invitationId)).toEqual([]);
  });

  it("keeps the page's styles out and its own in, and takes the theme from CSS variables", async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/hostile');
    invite(visitorId);
    const accept = page.getByRole('button', { name: 'Chat with Anna' });
    await accept.waitFor();
    const inside = await accept.evaluate((button) => {
      const s = getComputedStyle(button);
      const message = getComputedStyle(button.closest('.p')?.querySelector('.msg') as Element);
      const host = getComputedStyle(document.querySelector('floorwalker-widget') as Element);
      return {
        background: s.backgroundColor,
        color: s.color,
        padding: s.paddingTop,
        radius: getComputedStyle(button.closest('.p') as Element).borderTopLeftRadius,
        letterSpacing: s.letterSpacing,
        messageColor: message.color,
        messageFont: message.fontFamily,
        messageMargin: message.marginTop,
        hostPosition: host.position,
      };
    });
    expect(inside).toEqual({
      background: 'rgb(200, 0, 100)',
      color: 'rgb(255, 255, 255)',
      padding: '10px',
      radius: '3px',
      letterSpacing: 'normal',
      messageColor: 'rgb(27, 31, 36)',
      messageFont: expect.not.stringMatching(/^serif$/),
      messageMargin: '0px',
      hostPosition: 'fixed',
    });

    // Out: the page's own `.pri` button keeps the page's look on a page without hostile rules.
    const plain = await newContext();
    const other = await openTab(plain, '/rt');
    invite(other.visitorId);
    await dialog(other.page, 'Chat invitation from Anna').waitFor();
    const hostButton = await other.page.locator('#host-button').evaluate((b) => {
      const s = getComputedStyle(b);
      return { background: s.backgroundColor, minHeight: s.minHeight, fontWeight: s.fontWeight };
    });
    expect(hostButton.background).not.toBe(ACCENT);
    expect(hostButton.minHeight).not.toBe('44px');
    expect(hostButton.fontWeight).toBe('400');
  });

  it('never covers a sticky checkout button on a small screen, and falls back to a bubble when no spot is free', async () => {
    const phone = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true };
    const context = await newContext(phone);
    const { page, visitorId } = await openTab(context, '/mobile-checkout');
    invite(visitorId);
    const card = dialog(page, 'Chat invitation from Anna');
    await card.waitFor();
    const [cardBox, checkoutBox] = [await card.boundingBox(), await page.locator('#checkout').boundingBox()];
    expect(cardBox && checkoutBox).toBeTruthy();
    expect(overlaps(cardBox as Box, checkoutBox as Box)).toBe(false);
    expect((cardBox as Box).y).toBeGreaterThanOrEqual(0);
    expect((cardBox as Box).width).toBeGreaterThan(300);

    const crowded = await newContext(phone);
    const other = await openTab(crowded, '/mobile-crowded');
    invite(other.visitorId);
    const bubble = other.page.getByRole('button', {
      name: /^Message from Anna: Need a hand with your order\?/,
    });
    await bubble.waitFor();
    const bubbleBox = (await bubble.boundingBox()) as Box;
    expect(bubbleBox.y).toBeGreaterThanOrEqual(0);
    expect(bubbleBox.y + bubbleBox.height).toBeLessThanOrEqual(667);
    for (const id of ['#checkout', '#menu', '#promo']) {
      expect(overlaps(bubbleBox, (await other.page.locator(id).boundingBox()) as Box)).toBe(false);
    }
    await bubble.tap();
    await dialog(other.page, 'Chat invitation from Anna').waitFor();
    expect(await focusedInWidget(other.page)).toBe('Chat with Anna');
  });

  it('animates only without prefers-reduced-motion', async () => {
    const context = await newContext({ reducedMotion: 'reduce' });
    const { page, visitorId } = await openTab(context, '/rt');
    invite(visitorId);
    await dialog(page, 'Chat invitation from Anna').waitFor();
    expect(await panel(page).evaluate((p) => getComputedStyle(p).animationName)).toBe('none');

    const moving = await newContext({ reducedMotion: 'no-preference' });
    const other = await openTab(moving, '/rt');
    invite(other.visitorId);
    await dialog(other.page, 'Chat invitation from Anna').waitFor();
    expect(await panel(other.page).evaluate((p) => getComputedStyle(p).animationName)).toBe('fw-in');
  });

  it('reports presence on SPA navigation and visibility changes, and exit intent once per page view', async () => {
    const context = await newContext();
    const { page, visitorId, pageViewId } = await openTab(context, '/rt');
    await page.evaluate(() => history.pushState({}, '', '/rt/step-2'));
    const moved = await waitFor(async () => {
      const found = (await signals(visitorId)).filter(
        (s) => s.type === 'presence' && s.pageViewId !== pageViewId,
      );
      return found[0];
    }, 'a presence for the new page view');
    expect(moved).toMatchObject({ connected: true, active: true });
    const next = moved.type === 'presence' ? moved.pageViewId : '';

    const leave = () =>
      page.evaluate(() =>
        document.dispatchEvent(new MouseEvent('mouseout', { clientX: 300, clientY: 0, bubbles: true })),
      );
    // Leaving sideways is not an exit intent; through the top it is, once per page view.
    await page.evaluate(() =>
      document.dispatchEvent(new MouseEvent('mouseout', { clientX: 0, clientY: 400, bubbles: true })),
    );
    await leave();
    await leave();
    await expect
      .poll(async () => (await signals(visitorId)).filter((s) => s.type === 'exit_intent'))
      .toHaveLength(1);
    expect((await signals(visitorId)).find((s) => s.type === 'exit_intent')).toMatchObject({
      pageViewId: next,
    });

    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect
      .poll(async () =>
        (await signals(visitorId)).filter((s) => s.type === 'presence' && !s.active && s.connected),
      )
      .toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await signals(visitorId)).filter((s) => s.type === 'exit_intent')).toHaveLength(1);
  });

  it('disconnects and removes the widget when the visitor opts out', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    invite(visitorId);
    await dialog(page, 'Chat invitation from Anna').waitFor();
    await page.evaluate(() =>
      (window as unknown as { floorwalker(...a: unknown[]): void }).floorwalker('optout'),
    );
    await expect
      .poll(async () => (await signals(visitorId)).some((s) => s.type === 'presence' && !s.connected))
      .toBe(true);
    expect(await page.locator('floorwalker-widget').count()).toBe(0);
    invite(visitorId);
    await new Promise((r) => setTimeout(r, 400));
    expect(await page.locator('floorwalker-widget').count()).toBe(0);
  });

  it('reconnects after the collector restarts, with the current page view, and still receives invitations', async () => {
    const context = await newContext();
    const { page, visitorId } = await openTab(context, '/rt');
    const port = (app.server.address() as AddressInfo).port;
    const before = (await connections(visitorId)).length;
    await app.close();
    await expect
      .poll(
        async () => (await signals(visitorId)).filter((s) => s.type === 'presence' && !s.connected).length,
      )
      .toBe(1);
    // Navigate while the collector is away: the next handshake must carry the new page view.
    await page.evaluate(() => history.pushState({}, '', '/rt/after-restart'));
    await new Promise((r) => setTimeout(r, 1500));
    app = await startCollector(port);
    const back = await waitFor(
      async () => (await connections(visitorId)).slice(before)[0],
      'the tab to reconnect',
      40_000,
    );
    const pageViews = (await signals(visitorId)).flatMap((s) =>
      s.type === 'presence' ? [s.pageViewId] : [],
    );
    expect(back.type === 'presence' && back.pageViewId).toBe(pageViews.at(-1));
    expect(new Set(pageViews).size).toBe(2);
    invite(visitorId);
    await dialog(page, 'Chat invitation from Anna').waitFor();
  });
});
