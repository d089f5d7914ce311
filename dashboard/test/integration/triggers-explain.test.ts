import type { VisitorState } from '@floorwalker/protocol';
import { liveVisitors } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';
import { checkoutDraft } from '../helpers/triggers-fixtures.ts';

function liveState(siteId: string, visitorId: string, path: string, onPageMs: number): VisitorState {
  const now = Date.now();
  return {
    siteId,
    visitorId,
    sessionId: `s_${visitorId}`,
    status: path.startsWith('/checkout') ? 'checkout' : 'browsing',
    presence: 'online',
    currentPage: {
      pageViewId: `pv_${visitorId}`,
      url: `https://shop.example${path}`,
      path,
      title: 'Checkout',
      enteredAt: now - onPageMs,
    },
    sessionStartedAt: now - 600_000,
    lastActivityAt: now - 2000,
    lastSeenAt: now - 1000,
    pagesThisSession: 5,
    visitCount: 2,
    returning: true,
    referrer: '',
    utm: { source: 'newsletter', medium: 'email', campaign: '', term: '', content: '' },
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: 'DE',
    language: 'de-DE',
    cart: { value: 120, currency: 'EUR', items: 2 },
    scrollDepth: 40,
    engagedMs: 300_000,
    tabs: 1,
    identified: {},
    recentEvents: [],
    purchased: false,
  };
}

describe.each(engines)('explain a live visitor on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let marketer: TestClient;
  let siteId: string;

  beforeAll(async () => {
    t = await startTestDashboard(kind, {}, {});
    const admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
    siteId = (await admin.request('POST', '/api/sites', { name: 'Garden', timezone: 'Europe/Berlin' })).json()
      .site.siteId;
    await t.seedUser('marketer', 'mia@shop.test', 'marketer-password-1', [siteId]);
    marketer = t.client();
    expect((await marketer.login('mia@shop.test', 'marketer-password-1')).statusCode).toBe(200);
    const live = liveVisitors(t.redis.redis, t.redis.keys);
    for (const state of [
      liveState(siteId, 'visitor_checkout', '/checkout/payment', 30_000),
      liveState(siteId, 'visitor_long', '/checkout', 200_000),
    ]) {
      const rev = await live.commit({
        state,
        meta: '{}',
        expectedRev: 0,
        dueAt: Date.now() + 60_000,
        ttlMs: 600_000,
      });
      expect(rev).toBe(1);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows for every trigger whether it matches now and which condition fails, with actual values', async () => {
    const checkout = (
      await marketer.request('POST', `/api/sites/${siteId}/triggers`, checkoutDraft(120))
    ).json().trigger;
    const newsletter = (
      await marketer.request(
        'POST',
        `/api/sites/${siteId}/triggers`,
        checkoutDraft(10, {
          name: 'Newsletter big cart',
          conditions: {
            type: 'all',
            conditions: [
              { type: 'utm', field: 'source', match: { op: 'equals', value: 'newsletter' } },
              { type: 'cart_value', compare: { op: 'gte', value: 100 } },
              { type: 'not', condition: { type: 'country', in: ['DE', 'AT'] } },
            ],
          },
        }),
      )
    ).json().trigger;
    await marketer.request('POST', `/api/sites/${siteId}/triggers/${newsletter.id}/status`, {
      status: 'paused',
    });

    const res = await marketer.request('GET', `/api/sites/${siteId}/visitors/visitor_checkout/explain`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.visitor.currentPage.path).toBe('/checkout/payment');
    expect(body.timezone).toBe('Europe/Berlin');
    const byId = new Map(body.triggers.map((x: { triggerId: string }) => [x.triggerId, x]));

    const c = byId.get(checkout.id) as Record<string, unknown> & { explain: { children: unknown[] }[] };
    expect(c).toMatchObject({ matches: false, wouldFire: false, status: 'enabled', version: 1 });
    expect(c.failing).toEqual([expect.stringMatching(/^time on page \(s\) is 3\d, needs > 120$/)]);
    const [tree] = c.explain;
    expect(tree).toMatchObject({
      passed: false,
      condition: { type: 'all' },
      children: [
        { passed: true, actual: '/checkout/payment', condition: { type: 'page' } },
        { passed: false, condition: { type: 'time_on_page' } },
      ],
    });
    // When the time condition will pass with no new event.
    expect(c.nextCheckAt).toBeGreaterThan(body.evaluatedAt);
    expect(c.nextCheckAt).toBeLessThanOrEqual(body.evaluatedAt + 95_000);

    const n = byId.get(newsletter.id) as Record<string, unknown>;
    expect(n).toMatchObject({ matches: false, status: 'paused', version: 2 });
    expect((n.failing as string[])[0]).toMatch(/^not \(country "DE" is one of DE, AT\)$/);
    expect(n.explain).toMatchObject([
      {
        children: [{ passed: true, actual: 'newsletter' }, { passed: true, actual: 120 }, { passed: false }],
      },
    ]);

    const long = (await marketer.request('GET', `/api/sites/${siteId}/visitors/visitor_long/explain`)).json();
    expect(long.triggers.find((x: { triggerId: string }) => x.triggerId === checkout.id)).toMatchObject({
      matches: true,
      wouldFire: true,
      failing: [],
    });
    expect(long.held).toBeUndefined();
  });

  it('says when the engine holds every trigger for a visitor, whatever matches', async () => {
    const live = liveVisitors(t.redis.redis, t.redis.keys);
    const between = liveState(siteId, 'visitor_between', '/checkout', 200_000);
    between.currentPage.leftAt = Date.now() - 500;
    expect(
      await live.commit({
        state: between,
        meta: '{}',
        expectedRev: 0,
        dueAt: Date.now() + 60_000,
        ttlMs: 600_000,
      }),
    ).toBe(1);
    const body = (
      await marketer.request('GET', `/api/sites/${siteId}/visitors/visitor_between/explain`)
    ).json();
    expect(body.held).toMatchObject({
      reason: 'page_left',
      message: expect.stringMatching(/left this page/),
    });
    const matching = body.triggers.filter((x: { matches: boolean }) => x.matches);
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.every((x: { wouldFire: boolean }) => !x.wouldFire)).toBe(true);
    await live.remove(siteId, 'visitor_between', 1);
  });

  it('lists online visitors to pick from and answers 404 for a visitor who is not online', async () => {
    const list = (await marketer.request('GET', `/api/sites/${siteId}/explain/visitors`)).json();
    expect(list.visitors.map((v: { visitorId: string }) => v.visitorId).sort()).toEqual([
      'visitor_checkout',
      'visitor_long',
    ]);
    expect(list.visitors.find((v: { visitorId: string }) => v.visitorId === 'visitor_long')).toMatchObject({
      path: '/checkout',
      cartValue: 120,
      country: 'DE',
    });
    const missing = await marketer.request('GET', `/api/sites/${siteId}/visitors/visitor_gone/explain`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/not on the site/);
  });
});
