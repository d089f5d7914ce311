import { randomUUID } from 'node:crypto';
import { manualInvitationJob, QUEUES } from '@floorwalker/protocol';
import { liveVisitors, type Site, sitesRepository } from '@floorwalker/store';
import { type Job, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { eventRowFixture, visitorStateFixture } from '../helpers/live-fixtures.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';

const MINUTE = 60_000;

describe.each(engines)('live board API on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let admin: TestClient;
  let shop: Site;
  let other: Site;
  let quiet: Site;

  beforeAll(async () => {
    t = await startTestDashboard(kind);
    admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
    const sites = sitesRepository(t.db.ch);
    const site = (name: string) =>
      sites.save(
        {
          siteId: `site_${name}_${randomUUID().slice(0, 6)}`,
          name,
          allowedOrigins: [],
          timezone: 'UTC',
          respectPrivacySignals: false,
        },
        'test',
      );
    shop = await site('shop');
    other = await site('other');
    quiet = await site('quiet');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns every page and event of this and previous visits once, grouped by visit, with engagement and cart values', async () => {
    const siteId = shop.siteId;
    const visitor = `v_${randomUUID().slice(0, 8)}`;
    const t0 = Date.now() - 3 * 86_400_000; // a visit three days ago
    const t1 = Date.now() - 10 * MINUTE; // and one now
    const base = { site_id: siteId, visitor_id: visitor };
    const old = [
      eventRowFixture({
        ...base,
        ts_ms: t0,
        session_id: 's_old',
        page_view_id: 'pv1',
        url: 'https://shop.test/?utm_source=news&utm_campaign=spring',
        path: '/',
        utm_source: 'news',
        utm_campaign: 'spring',
        referrer: 'https://mail.example/',
      }),
      eventRowFixture({
        ...base,
        ts_ms: t0 + 5000,
        session_id: 's_old',
        page_view_id: 'pv1',
        event: 'engagement',
        engaged_ms: 4000,
        scroll_depth: 60,
      }),
      eventRowFixture({
        ...base,
        ts_ms: t0 + 9000,
        session_id: 's_old',
        page_view_id: 'pv1',
        event: 'heartbeat',
      }),
    ];
    const now = [
      eventRowFixture({
        ...base,
        ts_ms: t1,
        session_id: 's_new',
        page_view_id: 'pv2',
        url: 'https://shop.test/product/mug',
        path: '/product/mug',
        title: 'Mug',
        referrer: 'https://www.google.com/',
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 1000,
        session_id: 's_new',
        page_view_id: 'pv2',
        event: 'add_to_cart',
        value: 18,
        currency: 'EUR',
        sku: 'MUG',
        quantity: 1,
        props: '{"name":"Mug"}',
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 2000,
        session_id: 's_new',
        page_view_id: 'pv2',
        event: 'add_to_cart',
        value: 42,
        currency: 'EUR',
        sku: 'PRESS',
        quantity: 1,
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 3000,
        session_id: 's_new',
        page_view_id: 'pv2',
        event: 'remove_from_cart',
        value: 18,
        currency: 'EUR',
        sku: 'MUG',
        quantity: 1,
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 4000,
        session_id: 's_new',
        page_view_id: 'pv2',
        event: 'engagement',
        engaged_ms: 2500,
        scroll_depth: 80,
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 5000,
        session_id: 's_new',
        page_view_id: 'pv3',
        url: 'https://shop.test/checkout',
        path: '/checkout',
        title: 'Checkout',
      }),
      eventRowFixture({
        ...base,
        ts_ms: t1 + 6000,
        session_id: 's_new',
        page_view_id: 'pv3',
        event: 'purchase',
        value: 42,
        currency: 'EUR',
        order_id: 'FH-1',
      }),
    ];
    // Another visitor of the same site and the same visitor id on another site stay out.
    const noise = [
      eventRowFixture({ site_id: siteId, visitor_id: 'v_someone_else', ts_ms: t1 }),
      eventRowFixture({ site_id: other.siteId, visitor_id: visitor, ts_ms: t1 }),
    ];
    await t.db.ch.insert('events', [...old, ...now, ...noise]);
    // At-least-once delivery: a retried batch inserts the same events again (same ids).
    await t.db.ch.insert('events', [...now]);

    const res = await admin.request('GET', `/api/sites/${siteId}/visitors/${visitor}/journey`);
    expect(res.statusCode).toBe(200);
    const journey = res.json();
    expect(journey.count).toBe(7);
    expect(journey.next).toBeUndefined();
    expect(journey.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['s_new', 's_old']);
    const [current, previous] = journey.sessions;
    expect(current).toMatchObject({
      startedAt: t1,
      endedAt: t1 + 6000,
      landingUrl: 'https://shop.test/product/mug',
      referrer: 'https://www.google.com/',
      pageViews: 2,
      engagedMs: 2500,
      revenue: 42,
      currency: 'EUR',
      country: 'DE',
      device: 'desktop',
    });
    expect(
      current.events.map((e: { type: string; cartValue?: number }) => [e.type, e.cartValue ?? null]),
    ).toEqual([
      ['page_view', null],
      ['add_to_cart', 18],
      ['add_to_cart', 60],
      ['remove_from_cart', 42],
      ['page_view', null],
      ['purchase', 0],
    ]);
    expect(current.events[0]).toMatchObject({
      path: '/product/mug',
      title: 'Mug',
      engagedMs: 2500,
      scrollDepth: 80,
    });
    expect(current.events[1]).toMatchObject({ sku: 'MUG', value: 18, props: { name: 'Mug' } });
    expect(current.events[5]).toMatchObject({ orderId: 'FH-1', value: 42, at: t1 + 6000 });
    expect(previous).toMatchObject({
      pageViews: 1,
      utm: { source: 'news', medium: '', campaign: 'spring', term: '', content: '' },
      referrer: 'https://mail.example/',
      engagedMs: 4000,
    });
    expect(previous.events).toHaveLength(1);

    // Pages of 4: newest events first, the rest behind the cursor, nothing twice.
    const first = (
      await admin.request('GET', `/api/sites/${siteId}/visitors/${visitor}/journey?limit=4`)
    ).json();
    expect(first.count).toBe(4);
    expect(first.sessions.map((s: { truncated: boolean }) => s.truncated)).toEqual([true]);
    const { beforeTs, beforeId } = first.next;
    const rest = (
      await admin.request(
        'GET',
        `/api/sites/${siteId}/visitors/${visitor}/journey?limit=4&beforeTs=${beforeTs}&beforeId=${beforeId}`,
      )
    ).json();
    expect(rest.count).toBe(3);
    expect(rest.next).toBeUndefined();
    const ids = [...first.sessions, ...rest.sessions].flatMap((s: { events: { eventId: string }[] }) =>
      s.events.map((e) => e.eventId),
    );
    expect(new Set(ids).size).toBe(7);
    // Only a recent window when asked.
    const recent = (
      await admin.request('GET', `/api/sites/${siteId}/visitors/${visitor}/journey?days=1`)
    ).json();
    expect(recent.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['s_new']);
  });

  it('charts visitors and page views per minute from the rollup, every minute present', async () => {
    const siteId = quiet.siteId;
    const minuteNow = Math.floor(Date.now() / MINUTE) * MINUTE;
    const m2 = minuteNow - 2 * MINUTE;
    const m5 = minuteNow - 5 * MINUTE;
    await t.db.ch.insert('events', [
      eventRowFixture({ site_id: siteId, visitor_id: 'a', ts_ms: m5 + 1000 }),
      eventRowFixture({ site_id: siteId, visitor_id: 'a', ts_ms: m5 + 2000 }),
      eventRowFixture({ site_id: siteId, visitor_id: 'a', ts_ms: m5 + 3000, event: 'add_to_cart' }),
      eventRowFixture({ site_id: siteId, visitor_id: 'b', ts_ms: m5 + 4000 }),
      eventRowFixture({ site_id: siteId, visitor_id: 'a', ts_ms: m2 + 1000 }),
      eventRowFixture({ site_id: siteId, visitor_id: 'c', ts_ms: m2 + 1000, is_bot: 1 }),
      eventRowFixture({ site_id: siteId, visitor_id: 'z', ts_ms: minuteNow - 5 * 3_600_000 }),
    ]);
    const res = await admin.request('GET', `/api/sites/${siteId}/overview?hours=2`);
    expect(res.statusCode).toBe(200);
    const overview = res.json();
    expect(overview.points).toHaveLength(120);
    expect(overview.to).toBe(minuteNow);
    expect(overview.from).toBe(minuteNow - 119 * MINUTE);
    const at = (minute: number) =>
      overview.points.find((p: { minute: number }) => p.minute === minute) ?? { missing: minute };
    expect(at(m5)).toEqual({ minute: m5, visitors: 2, pageViews: 3 });
    expect(at(m2)).toEqual({ minute: m2, visitors: 1, pageViews: 1 });
    expect(at(minuteNow - 3 * MINUTE)).toEqual({ minute: minuteNow - 3 * MINUTE, visitors: 0, pageViews: 0 });
    expect(overview.totals).toEqual({ visitors: 2, pageViews: 4 });
    expect((await admin.request('GET', `/api/sites/${siteId}/overview?hours=0`)).statusCode).toBe(400);
    expect(
      (await admin.request('GET', `/api/sites/${siteId}/overview?hours=abc`)).json().error,
    ).toMatchObject({
      code: 'FW_BAD_REQUEST',
      issues: [expect.objectContaining({ path: ['hours'] })],
    });
  });

  it('serves the board’s snapshot with counters, only for the user’s own sites', async () => {
    const live = liveVisitors(t.redis.redis, t.redis.keys);
    const states = [
      visitorStateFixture(shop.siteId),
      visitorStateFixture(shop.siteId, {
        status: 'checkout',
        cart: { value: 60, currency: 'EUR', items: 2 },
      }),
    ];
    for (const state of states)
      await live.commit({ state, meta: '{}', expectedRev: 0, dueAt: Date.now() + MINUTE, ttlMs: MINUTE });
    const res = await admin.request('GET', `/api/sites/${shop.siteId}/live`);
    expect(res.statusCode).toBe(200);
    expect(res.json().counters).toEqual({ online: 2, checkout: 1, cartsOpen: 1 });
    expect(
      res
        .json()
        .visitors.map((v: { visitorId: string }) => v.visitorId)
        .sort(),
    ).toEqual(states.map((s) => s.visitorId).sort());

    await t.seedUser('agent', 'olga@shop.test', 'agent-password-2', [other.siteId]);
    await t.seedUser('marketer', 'mia@shop.test', 'marketer-password-1', [shop.siteId]);
    const olga = t.client();
    await olga.login('olga@shop.test', 'agent-password-2');
    expect((await olga.request('GET', `/api/sites/${shop.siteId}/live`)).statusCode).toBe(404);
    expect(
      (await olga.request('GET', `/api/sites/${shop.siteId}/visitors/${states[0]!.visitorId}/journey`))
        .statusCode,
    ).toBe(404);
    expect((await olga.request('GET', `/api/sites/${other.siteId}/live`)).statusCode).toBe(200);
    const mia = t.client();
    await mia.login('mia@shop.test', 'marketer-password-1');
    expect((await mia.request('GET', `/api/sites/${shop.siteId}/live`)).statusCode).toBe(403);
    expect((await t.client().request('GET', `/api/sites/${shop.siteId}/live`)).statusCode).toBe(401);
  });

  it('queues a manual invitation job the engine’s worker accepts, once per request id, and refuses visitors who left', async () => {
    const live = liveVisitors(t.redis.redis, t.redis.keys);
    const state = visitorStateFixture(shop.siteId);
    await live.commit({ state, meta: '{}', expectedRev: 0, dueAt: Date.now() + MINUTE, ttlMs: MINUTE });
    const jobs: Job[] = [];
    // Stands in for the engine's manual invitation worker: the same queue, prefix and job schema.
    const worker = new Worker(
      QUEUES.invitations,
      async (job) => {
        jobs.push(job);
        manualInvitationJob.parse(job.data);
        return { delivered: true, invitationId: `inv_${jobs.length}` };
      },
      {
        connection: t.redis.redis.duplicate({ maxRetriesPerRequest: null }),
        prefix: t.redis.keys.bullPrefix,
      },
    );
    try {
      const path = `/api/sites/${shop.siteId}/visitors/${state.visitorId}/invite`;
      const sent = await admin.request('POST', path, { message: 'Need a hand?', requestId: 'click-000001' });
      expect(sent.statusCode).toBe(200);
      expect(sent.json()).toEqual({ delivered: true, invitationId: 'inv_1' });
      expect(jobs[0]?.data).toEqual({
        siteId: shop.siteId,
        visitorId: state.visitorId,
        agentId: t.admin.userId,
        message: 'Need a hand?',
        persona: { name: t.admin.name },
      });
      // A double click (same request id) is the same job, not a second invitation.
      const again = await admin.request('POST', path, { message: 'Need a hand?', requestId: 'click-000001' });
      expect(again.statusCode).toBe(200);
      expect(jobs).toHaveLength(1);

      const greeting = await admin.request('POST', path, { autoOpen: true });
      expect(greeting.statusCode).toBe(200);
      expect(jobs[1]?.data).toMatchObject({
        autoOpen: true,
        message: expect.stringMatching(/^Hi, I'm .+\?$/),
      });

      const bad = await admin.request('POST', path, { message: '', autoOpen: 'yes' });
      expect(bad.statusCode).toBe(400);
      expect(
        bad
          .json()
          .error.issues.map((i: { path: string[] }) => i.path[0])
          .sort(),
      ).toEqual(['autoOpen', 'message']);
      const gone = await admin.request('POST', `/api/sites/${shop.siteId}/visitors/v_never_here/invite`, {});
      expect(gone.statusCode).toBe(409);
      expect(gone.json().error.code).toBe('FW_VISITOR_NOT_ONLINE');
      expect((await admin.request('POST', path, {}, { csrf: false })).statusCode).toBe(403);
    } finally {
      await worker.close();
    }
  });
});
