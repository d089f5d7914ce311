import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  AgentStatusUpdate,
  InvitationOutcome,
  Trigger,
  TriggerDraft,
} from '@floorwalker/protocol';
import {
  availability,
  type ClickHouseKind,
  liveVisitors,
  newUserId,
  type Site,
  siteRegistry,
  sitesRepository,
  sql,
  type TriggerDecision,
  triggerChanges,
  triggerDecisions,
  triggersRepository,
  usersRepository,
} from '@floorwalker/store';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../dashboard/src/index.ts';
import { buildDemoShop, type DemoShop } from '../demo/src/server.ts';
import { launchBrowser } from './helpers/browser.ts';
import { type LiveStack, startLiveStack } from './helpers/live-stack.ts';

/**
 * Issue 4's "done when", end to end: the real snippet in Chromium on the demo shop, the real
 * collector (`/visitor` socket), engine (trigger worker, BullMQ timers, socket.io emitter),
 * dashboard (`/agent` socket keeps the agent online) over the test Redis and ClickHouse. Each
 * scenario checks what the shopper sees (the invitation inside the snippet's shadow root) and
 * what `trigger_decisions` recorded.
 */

const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
/** The trigger's time on page, seconds (short for tests; a shop would use a minute or two). */
const THRESHOLD_S = 2;
const MESSAGE = 'Need a hand with your order?';
const AGENT = { name: 'Mia Chen', email: 'mia@shop.test', password: 'agent-password-42' };
/** How long "nothing happens" is watched past the threshold. */
const QUIET_MS = THRESHOLD_S * 1000 + 3000;

const checkoutTrigger = (holdoutPercent: number): TriggerDraft => ({
  name: 'Checkout help',
  conditions: {
    type: 'all',
    conditions: [
      { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
      { type: 'time_on_page', compare: { op: 'gte', value: THRESHOLD_S } },
    ],
  },
  availability: { type: 'any_agent' },
  action: {
    type: 'invite',
    message: { default: MESSAGE },
    sender: { type: 'agent', name: AGENT.name },
    autoOpen: false,
  },
  // "Not invited this session": the contact budget, one invitation per session.
  controls: { holdoutPercent, budget: { maxPerSession: 1, dismissCooldownSeconds: 0 } },
});

/** One shop (site) of the test with its checkout trigger. */
interface Shop {
  siteId: string;
  url: string;
  trigger: Trigger;
}

/** One card appearance in the page, as seen by a MutationObserver on the widget's shadow root. */
interface Sighting {
  at: number;
  label: string;
  message: string;
}

declare global {
  interface Window {
    /** Invitation cards added to the snippet's shadow root (test instrumentation). */
    __fwSightings?: Sighting[];
  }
}

/**
 * Records every invitation card the snippet puts on screen: shadow roots are captured as they
 * are attached (open or closed) and observed for added dialogs.
 */
function watchInvitationCards() {
  const sightings: Sighting[] = [];
  window.__fwSightings = sightings;
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (!(node instanceof HTMLElement)) continue;
          const card = node.matches('[role="dialog"].card') ? node : null;
          if (card)
            sightings.push({
              at: Date.now(),
              label: card.getAttribute('aria-label') ?? '',
              message: card.querySelector('.msg')?.textContent ?? '',
            });
        }
      }
    }).observe(root, { childList: true, subtree: true });
    return root;
  };
}

describe.each<ClickHouseKind>(['server', 'embedded'])('invitations in Chromium on %s ClickHouse', (kind) => {
  let stack: LiveStack;
  let browser: Browser;
  let agentSocket: Socket<AgentServerToClientEvents, AgentClientToServerEvents> | undefined;
  const extraShops: DemoShop[] = [];
  const contexts: BrowserContext[] = [];
  /** Agent online (via the dashboard's `/agent` socket), holdout 0. */
  let staffed: Shop;
  /** Nobody online. */
  let unstaffed: Shop;
  /** Agent online, holdout 100%. */
  let heldOut: Shop;

  const invitationCard = (page: Page) =>
    page.getByRole('dialog', { name: `Chat invitation from ${AGENT.name}` });
  const sightings = (page: Page) => page.evaluate(() => window.__fwSightings ?? []);

  const decisions = (shop: Shop, visitorId: string) =>
    triggerDecisions(stack.db.ch).list({ siteId: shop.siteId, visitorId });
  const outcomes = async (shop: Shop, visitorId: string) =>
    (await decisions(shop, visitorId)).map((d) => d.outcome).sort();
  /** Waits until the visitor's decisions include every one of `wanted`; returns them all. */
  const waitForOutcomes = async (shop: Shop, visitorId: string, wanted: InvitationOutcome[]) => {
    let last: TriggerDecision[] = [];
    await expect
      .poll(
        async () => {
          last = await decisions(shop, visitorId);
          return wanted.every((w) => last.some((d) => d.outcome === w));
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    return last;
  };

  /** The visitor's stored page views (path, client time in ms), in order. */
  const pageViews = (shop: Shop, visitorId: string) =>
    stack.db.ch.query<{ path: string; at: number }>(sql`
      SELECT path, ts_ms AS at FROM ${stack.db.ch.table('events')}
      WHERE site_id = ${shop.siteId} AND visitor_id = ${visitorId} AND event = 'page_view'
      ORDER BY at`);

  /** What the stack knows about a visitor: for failure messages. */
  const journey = async (shop: Shop, visitorId: string) =>
    JSON.stringify({
      decisions: await decisions(shop, visitorId),
      live: await liveVisitors(stack.redis.redis, stack.redis.keys).get(shop.siteId, visitorId),
      events: await stack.db.ch.query(sql`
        SELECT event, page_view_id, path, ts_ms FROM ${stack.db.ch.table('events')}
        WHERE site_id = ${shop.siteId} AND visitor_id = ${visitorId} ORDER BY ts_ms`),
    });

  /** Waits for the invitation card; on timeout the error tells what the stack decided. */
  const waitForCard = async (page: Page, shop: Shop, visitorId: string) => {
    try {
      await invitationCard(page).waitFor({ timeout: 20_000 });
    } catch (error) {
      throw new Error(`no invitation card: ${String(error)}\n${await journey(shop, visitorId)}`);
    }
  };

  /** A shopper (own browser context: own visitor id) with card instrumentation. */
  const newShopper = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    await context.addInitScript(watchInvitationCards);
    return context;
  };

  /** Opens `path` of `shop`; resolves with the page and the visitor id once the snippet runs. */
  const open = async (context: BrowserContext, shop: Shop, path: string) => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Before the page view starts: time from here over-estimates the time on page.
    const openedAt = Date.now();
    await page.goto(shop.url + path);
    let visitorId = '';
    await expect
      .poll(async () => (visitorId = (await page.evaluate(() => localStorage.getItem('fw_vid'))) ?? ''), {
        timeout: 15_000,
      })
      .not.toBe('');
    return { page, visitorId, errors, openedAt };
  };

  /** Adds a site with its own demo shop (own origin) to the stack. */
  const addShop = async (siteId: string): Promise<string> => {
    const shop = await buildDemoShop({
      collectorUrl: stack.collectorUrl,
      siteId,
      port: 0,
      host: '127.0.0.1',
    });
    extraShops.push(shop);
    const site: Site = await sitesRepository(stack.db.ch).save(
      {
        siteId,
        name: siteId,
        allowedOrigins: [shop.url],
        timezone: 'Europe/Berlin',
        respectPrivacySignals: false,
      },
      'e2e',
    );
    await siteRegistry(stack.redis.redis, stack.redis.keys).publish(site);
    return shop.url;
  };

  /** Saves the checkout trigger as a marketer would and tells the engines. */
  const saveTrigger = async (siteId: string, url: string, holdoutPercent: number): Promise<Shop> => {
    const trigger = await triggersRepository(stack.db.ch).save({
      siteId,
      rule: checkoutTrigger(holdoutPercent),
      author: 'marketer_e2e',
    });
    await triggerChanges(stack.redis.redis, stack.redis.keys).publish(siteId);
    return { siteId, url, trigger };
  };

  beforeAll(async () => {
    stack = await startLiveStack({ kind });
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
    const suffix = Math.random().toString(36).slice(2, 8);
    const unstaffedId = `site_e2e_nobody_${suffix}`;
    const heldOutId = `site_e2e_holdout_${suffix}`;
    const [unstaffedUrl, heldOutUrl] = [await addShop(unstaffedId), await addShop(heldOutId)];
    staffed = await saveTrigger(stack.siteId, stack.shop.url, 0);
    unstaffed = await saveTrigger(unstaffedId, unstaffedUrl, 0);
    heldOut = await saveTrigger(heldOutId, heldOutUrl, 100);

    // The agent works the staffed and the holdout shop; being logged in to the dashboard (its
    // `/agent` socket) is what makes them available.
    const userId = newUserId();
    await usersRepository(stack.db.ch).save(
      {
        userId,
        email: AGENT.email,
        name: AGENT.name,
        role: 'agent',
        passwordHash: await hashPassword(AGENT.password),
        siteIds: [staffed.siteId, heldOut.siteId],
        teams: [],
        maxChats: 10,
      },
      'e2e',
    );
    const csrf = await stack.dashboard.inject({ method: 'GET', url: '/api/auth/csrf' });
    const csrfCookie = csrf.cookies.find((c) => c.name === 'fw_csrf');
    const login = await stack.dashboard.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: {
        cookie: `fw_csrf=${csrfCookie?.value}`,
        'x-csrf-token': (csrf.json() as { token: string }).token,
      },
      payload: { email: AGENT.email, password: AGENT.password },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const socket: Socket<AgentServerToClientEvents, AgentClientToServerEvents> = io(
      `${stack.dashboardUrl}/agent`,
      { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false },
    );
    agentSocket = socket;
    const status = await new Promise<AgentStatusUpdate>((resolve, reject) => {
      socket.once('agent:status', resolve);
      socket.once('connect_error', reject);
    });
    expect(status).toEqual({ status: 'online', siteIds: [staffed.siteId, heldOut.siteId] });
    const agents = availability(stack.redis.redis, stack.redis.keys);
    expect((await agents.listAgents(staffed.siteId)).map((a) => a.name)).toEqual([AGENT.name]);
    expect(await agents.listAgents(unstaffed.siteId)).toEqual([]);
  });

  afterAll(async () => {
    agentSocket?.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const s of extraShops) await s.close();
    await stack?.close();
  });

  it('shows a shopper who stays on checkout past the threshold exactly one invitation, and records the acceptance', async () => {
    const shopper = await newShopper();
    // A product in the cart first (nothing is invited on the product page), then checkout.
    const { page, visitorId, errors } = await open(shopper, staffed, '/product/french-press');
    await page.locator('.product-info').getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.getByRole('link', { name: /Cart/ }).first().textContent()).toContain('1');
    const openedAt = Date.now();
    await page.goto(`${staffed.url}/checkout`);
    await waitForCard(page, staffed, visitorId);
    const appearedAfter = Date.now() - openedAt;
    expect(appearedAfter).toBeGreaterThanOrEqual(THRESHOLD_S * 1000);
    expect(await invitationCard(page).getByText(MESSAGE, { exact: true }).isVisible()).toBe(true);
    await page.screenshot({
      path: join(artifacts, `invitation-checkout-${kind}.png`),
      animations: 'disabled',
    });

    // It stays one invitation while the shopper lingers on.
    await page.waitForTimeout(2000);
    expect(await invitationCard(page).count()).toBe(1);
    expect(await sightings(page)).toEqual([
      expect.objectContaining({ label: `Chat invitation from ${AGENT.name}`, message: MESSAGE }),
    ]);
    const sent = await waitForOutcomes(staffed, visitorId, ['sent', 'shown']);
    expect(sent.filter((d) => d.outcome === 'sent')).toEqual([
      expect.objectContaining({
        triggerId: staffed.trigger.id,
        triggerVersion: staffed.trigger.version,
        manual: false,
      }),
    ]);

    await page.getByRole('button', { name: `Chat with ${AGENT.name}` }).click();
    await expect.poll(() => invitationCard(page).count()).toBe(0);
    const answered = await waitForOutcomes(staffed, visitorId, ['accepted']);
    const invitationId = answered.find((d) => d.outcome === 'sent')?.invitationId;
    expect(invitationId).toMatch(/^inv_/);
    expect(answered.map((d) => [d.outcome, d.invitationId]).sort()).toEqual(
      [
        ['accepted', invitationId],
        ['sent', invitationId],
        ['shown', invitationId],
      ].sort(),
    );
    expect(errors).toEqual([]);
  });

  it('shows nothing to a shopper who leaves checkout before the threshold', async () => {
    const shopper = await newShopper();
    const page = await shopper.newPage();
    await page.goto(`${staffed.url}/checkout`);
    await page.getByRole('link', { name: /Cart/ }).first().click();
    await page.waitForURL(/\/cart$/);
    const visitorId = await page.evaluate(() => localStorage.getItem('fw_vid'));
    expect(visitorId).toMatch(/^[\w-]{8,64}$/);
    // Left before the threshold by the page views' own times, or the test proves nothing.
    let views: { path: string; at: number }[] = [];
    await expect
      .poll(
        async () => {
          views = await pageViews(staffed, visitorId ?? '');
          return views.map((v) => v.path);
        },
        { timeout: 30_000 },
      )
      .toEqual(['/checkout', '/cart']);
    const onCheckout = (views[1]?.at ?? 0) - (views[0]?.at ?? 0);
    expect(onCheckout).toBeLessThan(THRESHOLD_S * 1000 - 300);

    await page.waitForTimeout(QUIET_MS);
    expect(await invitationCard(page).count(), await journey(staffed, visitorId ?? '')).toBe(0);
    expect(await sightings(page)).toEqual([]);
    // Decisions are written within a second; nothing was decided at all.
    await page.waitForTimeout(1500);
    expect(await outcomes(staffed, visitorId ?? '')).toEqual([]);
  });

  it('sends one invitation to a shopper with two checkout tabs, shows it once in each and withdraws it from the other tab on accept', async () => {
    const shopper = await newShopper();
    const first = await open(shopper, staffed, '/checkout');
    const second = await open(shopper, staffed, '/checkout');
    expect(second.visitorId).toBe(first.visitorId);
    const visitorId = first.visitorId;
    await Promise.all([
      waitForCard(first.page, staffed, visitorId),
      waitForCard(second.page, staffed, visitorId),
    ]);
    await first.page.waitForTimeout(2000);
    for (const tab of [first, second]) {
      expect(await sightings(tab.page)).toHaveLength(1);
      expect(await invitationCard(tab.page).count()).toBe(1);
    }
    await waitForOutcomes(staffed, visitorId, ['sent']);

    await second.page.getByRole('button', { name: `Chat with ${AGENT.name}` }).click();
    // Accepted in the second tab: gone from the first one too, and never shown again.
    await expect.poll(() => invitationCard(first.page).count(), { timeout: 15_000 }).toBe(0);
    expect(await invitationCard(second.page).count()).toBe(0);
    const recorded = await waitForOutcomes(staffed, visitorId, ['accepted']);
    await first.page.waitForTimeout(QUIET_MS);
    for (const tab of [first, second]) expect(await sightings(tab.page)).toHaveLength(1);
    expect(await invitationCard(first.page).count()).toBe(0);
    const all = await decisions(staffed, visitorId);
    expect(all.filter((d) => d.outcome === 'sent')).toHaveLength(1);
    expect(all.filter((d) => d.outcome === 'accepted')).toHaveLength(1);
    expect(new Set(recorded.map((d) => d.invitationId)).size).toBe(1);
  });

  it('records suppressed_no_agent and shows nothing when no agent is online', async () => {
    const shopper = await newShopper();
    const { page, visitorId } = await open(shopper, unstaffed, '/checkout');
    const recorded = await waitForOutcomes(unstaffed, visitorId, ['suppressed_no_agent']);
    expect(recorded).toEqual([
      expect.objectContaining({
        outcome: 'suppressed_no_agent',
        triggerId: unstaffed.trigger.id,
        reason: expect.stringContaining('no agent online'),
      }),
    ]);
    await page.waitForTimeout(QUIET_MS);
    expect(await invitationCard(page).count()).toBe(0);
    expect(await sightings(page)).toEqual([]);
    expect(await outcomes(unstaffed, visitorId)).toEqual(['suppressed_no_agent']);
  });

  it('records holdout visitors of a 100% holdout trigger and shows them nothing', async () => {
    const shopper = await newShopper();
    const { page, visitorId } = await open(shopper, heldOut, '/checkout');
    const recorded = await waitForOutcomes(heldOut, visitorId, ['holdout']);
    expect(recorded).toEqual([
      expect.objectContaining({
        outcome: 'holdout',
        triggerId: heldOut.trigger.id,
        invitationId: expect.stringMatching(/^inv_/),
      }),
    ]);
    await page.waitForTimeout(QUIET_MS);
    expect(await invitationCard(page).count()).toBe(0);
    expect(await sightings(page)).toEqual([]);
    expect(await outcomes(heldOut, visitorId)).toEqual(['holdout']);
  });

  it('records a dismissal and lets the contact budget keep a second invitation out of the session', async () => {
    const shopper = await newShopper();
    const { page, visitorId } = await open(shopper, staffed, '/checkout');
    await waitForCard(page, staffed, visitorId);
    await page.getByRole('button', { name: 'No thanks' }).click();
    await expect.poll(() => invitationCard(page).count()).toBe(0);
    await waitForOutcomes(staffed, visitorId, ['sent', 'dismissed']);

    // Back on checkout (a new page view) past the threshold: the budget says no.
    await page.goto(`${staffed.url}/cart`);
    await page.goto(`${staffed.url}/checkout`);
    const recorded = await waitForOutcomes(staffed, visitorId, ['suppressed_budget']);
    await page.waitForTimeout(2000);
    expect(await invitationCard(page).count()).toBe(0);
    expect(await sightings(page)).toEqual([]);
    expect(recorded.filter((d) => d.outcome === 'sent')).toHaveLength(1);
    const budget = recorded.find((d) => d.outcome === 'suppressed_budget');
    expect(budget?.sessionId).toBe(recorded.find((d) => d.outcome === 'sent')?.sessionId);
    expect(budget?.pageViewId).not.toBe(recorded.find((d) => d.outcome === 'sent')?.pageViewId);
  });
});
