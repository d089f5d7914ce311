import { type AgentPresence, availability, presenceHistory } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { presenceSampler } from '../../src/server/triggers/staffing/presence-sampler.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';
import { checkoutDraft, VisitorScript } from '../helpers/triggers-fixtures.ts';

const HOUR = 3_600_000;
const S = 1000;

interface Hour {
  hour: number;
  invited: number;
  holdout: number;
  purchased: number;
  staffedSlots: number;
  peakAgents: number;
}

describe.each(engines)('trigger backtest on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let marketer: TestClient;
  let siteId: string;
  /** Start of a UTC hour about a day ago: the scenario's first hour. */
  let h0: number;
  /** Distinct events seeded (each inserted twice). */
  let seededEvents = 0;

  const agent = (agentId: string, maxChats: number, status: 'online' | 'away' = 'online') => ({
    agentId,
    status,
    maxChats,
    activeChats: 0,
    teams: agentId === 'a2' ? ['billing'] : [],
  });

  beforeAll(async () => {
    t = await startTestDashboard(kind, {}, {});
    const admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
    siteId = (await admin.request('POST', '/api/sites', { name: 'Garden', timezone: 'UTC' })).json().site
      .siteId;
    await t.seedUser('marketer', 'mia@shop.test', 'marketer-password-1', [siteId]);
    marketer = t.client();
    expect((await marketer.login('mia@shop.test', 'marketer-password-1')).statusCode).toBe(200);

    h0 = Math.floor((Date.now() - 30 * HOUR) / HOUR) * HOUR;
    const visitors = [
      // Stays on /checkout 150 s: a 120 s rule invites at 121 s. Does not buy.
      new VisitorScript(siteId, 'visitor_stays')
        .page(h0 + 60 * S, '/products/shoe', { leaveAt: h0 + 85 * S })
        .page(h0 + 90 * S, '/checkout', { leaveAt: h0 + 240 * S }),
      // Leaves /checkout after 60 s: never invited.
      new VisitorScript(siteId, 'visitor_leaves').page(h0 + 300 * S, '/checkout', { leaveAt: h0 + 360 * S }),
      // Invited at 121 s, then buys at 180 s in the same session.
      new VisitorScript(siteId, 'visitor_buys')
        .page(h0 + 600 * S, '/checkout', { leaveAt: h0 + 800 * S, leave: false })
        .event(h0 + 780 * S, { type: 'purchase', value: 89.5, currency: 'EUR', orderId: 'o-1' })
        .page(h0 + 800 * S, '/checkout/thank-you', { leaveAt: h0 + 830 * S }),
      // Next hour: two long checkout page views in one session, one invitation (budget 1 per session).
      new VisitorScript(siteId, 'visitor_twice')
        .page(h0 + HOUR + 60 * S, '/checkout', { leaveAt: h0 + HOUR + 200 * S })
        .page(h0 + HOUR + 200 * S, '/checkout/payment', { leaveAt: h0 + HOUR + 400 * S }),
      // Quiet tab without page_leave: present 30 s after its last heartbeat (135 s), so invited at 121 s.
      new VisitorScript(siteId, 'visitor_quiet').page(h0 + HOUR + 900 * S, '/checkout', {
        leaveAt: h0 + HOUR + 105 * S + 900 * S,
        leave: false,
      }),
      // Not on checkout at all.
      new VisitorScript(siteId, 'visitor_browses').page(h0 + HOUR + 60 * S, '/products', {
        leaveAt: h0 + HOUR + 600 * S,
      }),
    ];
    // Every event twice: at-least-once delivery must not double anything.
    for (const v of visitors) await v.insert(t.db.ch, true);
    seededEvents = visitors.reduce((n, v) => n + v.entries.length, 0);

    // Staffing: hour 0 one agent with 3 slots all hour; hour 1 two agents (3 + 2 slots) for 30 minutes,
    // plus an away agent who does not count; some minutes sampled twice (two dashboard nodes).
    const history = presenceHistory(t.db.ch);
    const samples = [];
    for (let m = 0; m < 60; m++) samples.push({ siteId, minute: h0 + m * 60_000, agent: agent('a1', 3) });
    for (let m = 0; m < 30; m++) {
      samples.push({ siteId, minute: h0 + HOUR + m * 60_000, agent: agent('a1', 3) });
      samples.push({ siteId, minute: h0 + HOUR + m * 60_000, agent: agent('a2', 2) });
      samples.push({ siteId, minute: h0 + HOUR + m * 60_000, agent: agent('a3', 4, 'away') });
    }
    await history.record(samples);
    await history.record(samples.slice(0, 10));
  });
  afterAll(async () => {
    await t?.close();
  });

  const hourOf = (hours: Hour[], at: number) => hours.find((h) => h.hour === at);

  it('counts would-be invitations per hour with time conditions, the session budget, purchases and staffed slots', async () => {
    const res = await marketer.request('POST', `/api/sites/${siteId}/triggers/backtest`, {
      trigger: checkoutDraft(120),
      days: 2,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.hours).toHaveLength(48 + (body.from % HOUR === 0 ? 0 : 1));
    expect(hourOf(body.hours, h0)).toEqual({
      hour: h0,
      invited: 2,
      holdout: 0,
      purchased: 1,
      staffedSlots: 3,
      peakAgents: 1,
    });
    expect(hourOf(body.hours, h0 + HOUR)).toEqual({
      hour: h0 + HOUR,
      invited: 2,
      holdout: 0,
      purchased: 0,
      staffedSlots: 2.5,
      peakAgents: 2,
    });
    expect(body.totals).toMatchObject({
      visitors: 6,
      sessions: 6,
      matchedSessions: 4,
      invited: 4,
      holdout: 0,
      purchased: 1,
      suppressedBudget: 1,
      suppressedCap: 0,
      staffedSlotHours: 5.5,
      peakInvitedPerHour: 2,
    });
    expect(body.sample).toMatchObject({
      visitorsInWindow: 6,
      visitorsReplayed: 6,
      limited: false,
      eventsReplayed: seededEvents,
    });
    // Unmerged duplicates are dropped by event id (a background merge may have removed some already).
    expect(body.sample.duplicatesRemoved).toBeLessThanOrEqual(seededEvents);
    // The invitation fires at the moment the threshold passes, not at the next event.
    const stays = body.invitations.find((i: { visitorId: string }) => i.visitorId === 'visitor_stays');
    expect(stays).toMatchObject({
      at: h0 + 90 * S + 121 * S,
      path: '/checkout',
      purchased: false,
      holdout: false,
    });
    expect(body.invitations.find((i: { visitorId: string }) => i.visitorId === 'visitor_buys')).toMatchObject(
      {
        at: h0 + 600 * S + 121 * S,
        purchased: true,
      },
    );
    expect(body.invitations.map((i: { visitorId: string }) => i.visitorId)).not.toContain('visitor_leaves');
  });

  it('holds out visitors by the holdout share and counts their purchases apart', async () => {
    const draft = checkoutDraft(120);
    draft.controls = { ...draft.controls, holdoutPercent: 100 };
    const body = (
      await marketer.request('POST', `/api/sites/${siteId}/triggers/backtest`, { trigger: draft, days: 2 })
    ).json();
    expect(body.totals).toMatchObject({ invited: 0, holdout: 4, purchased: 0, holdoutPurchased: 1 });
    expect(hourOf(body.hours, h0)).toMatchObject({ invited: 0, holdout: 2 });
  });

  it('applies the frequency cap across visitors, a longer threshold, and team staffing', async () => {
    const draft = checkoutDraft(140, { availability: { type: 'team', teamId: 'billing' } });
    draft.controls = { ...draft.controls, frequencyCap: { max: 1, windowSeconds: 3600 } };
    const body = (
      await marketer.request('POST', `/api/sites/${siteId}/triggers/backtest`, { trigger: draft, days: 2 })
    ).json();
    // 140 s: visitor_stays (150 s) and visitor_buys (200 s) in hour 0, visitor_twice in hour 1; the
    // quiet tab (last heard at 105 s, present until 135 s) no longer. The cap allows one per hour.
    expect(body.totals).toMatchObject({ invited: 2, suppressedCap: 1 });
    expect(hourOf(body.hours, h0)).toMatchObject({ invited: 1, staffedSlots: 0 });
    expect(hourOf(body.hours, h0 + HOUR)).toMatchObject({ invited: 1, staffedSlots: 1 });
  });

  it('samples the limit of visitors and says so', async () => {
    const { buildDashboard } = await import('../../src/server/build-dashboard.ts');
    const small = await buildDashboard({
      config: t.config,
      ch: t.db.ch,
      redis: t.redis.redis,
      keys: t.redis.keys,
      logger: false,
      distDir: '/nonexistent',
      triggers: { maxVisitors: 2, samplePresence: false },
    });
    try {
      const res = await small.inject({
        method: 'POST',
        url: `/api/sites/${siteId}/triggers/backtest`,
        headers: {
          cookie: [...marketer.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': marketer.cookies.get('fw_csrf') ?? '',
        },
        payload: { trigger: checkoutDraft(120), days: 2 },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.sample).toMatchObject({
        visitorsInWindow: 6,
        visitorsReplayed: 2,
        limited: true,
        maxVisitors: 2,
      });
      expect(body.notes.join(' ')).toMatch(/uniform sample of 2/);
    } finally {
      await small.close();
    }
  });

  it('rejects more than 30 days, bad drafts and unknown fields with issue paths', async () => {
    const res = await marketer.request('POST', `/api/sites/${siteId}/triggers/backtest`, {
      trigger: { ...checkoutDraft(), name: '' },
      days: 31,
      extra: true,
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['trigger.name', 'days']));
    expect(res.json().error.issues.some((i: { message: string }) => /extra/.test(i.message))).toBe(true);
  });

  it('records live agent presence once per minute across dashboard nodes', async () => {
    const agents = availability(t.redis.redis, t.redis.keys);
    // Five days ago: a minute the test dashboard's own background sampler never claims.
    const now = Math.floor((Date.now() - 5 * 86_400_000) / 60_000) * 60_000 + 30_000;
    const presence = (agentId: string, maxChats: number): AgentPresence => ({
      agentId,
      name: agentId,
      teams: [],
      maxChats,
      activeChats: 1,
      status: 'online',
      lastSeenAt: now,
    });
    await agents.setAgent(siteId, presence('live1', 4));
    await agents.setAgent(siteId, presence('live2', 2));
    const options = {
      ch: t.db.ch,
      redis: t.redis.redis,
      keys: t.redis.keys,
      sites: t.app.sites,
      logger: t.app.log,
    };
    const nodeA = presenceSampler({ ...options, now: () => now });
    const nodeB = presenceSampler({ ...options, now: () => now });
    expect(await nodeA.sampleOnce(now)).toBe(2);
    expect(await nodeB.sampleOnce(now)).toBe(0);
    const hour = Math.floor(now / HOUR) * HOUR;
    const staffed = await presenceHistory(t.db.ch).staffedHours(siteId, hour, hour + HOUR);
    expect(staffed).toEqual([{ hour, slots: 0.1, peakAgents: 2, staffedMinutes: 1 }]);
  });
});
