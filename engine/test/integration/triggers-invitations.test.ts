import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ManualInvitationJob, QUEUES, type TriggerDraft } from '@floorwalker/protocol';
import {
  type AgentPresence,
  availability,
  connectRedis,
  liveVisitors,
  type TriggerDecision,
  triggerChanges,
  triggerDecisions,
  triggersRepository,
} from '@floorwalker/store';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engines,
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../../../test/helpers/stores.ts';
import { loadEngineConfig } from '../../src/config.ts';
import {
  defaultWorkers,
  type Engine,
  invitationStore,
  startEngine,
  type TriggersWorker,
  triggerKeys,
  triggerWorker,
  triggerWorkerFactory,
} from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { append, entry, waitFor } from '../helpers/stream-entries.ts';
import {
  startVisitorSockets,
  type VisitorSocketServer,
  type VisitorTab,
} from '../helpers/visitor-sockets.ts';

const THRESHOLD_S = 1;

const checkoutRule = (extra: Partial<TriggerDraft> = {}): TriggerDraft => ({
  name: 'Checkout help',
  conditions: {
    type: 'all',
    conditions: [
      { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
      { type: 'time_on_page', compare: { op: 'gte', value: THRESHOLD_S } },
    ],
  },
  action: {
    type: 'invite',
    message: { default: 'Need a hand with your order?', byLanguage: { de: 'Können wir helfen?' } },
    sender: { type: 'agent', name: 'Anna' },
    autoOpen: false,
  },
  controls: { holdoutPercent: 0 },
  ...extra,
});

const agent = (id = 'agent_1'): AgentPresence => ({
  agentId: id,
  name: 'Anna',
  teams: ['support'],
  maxChats: 3,
  activeChats: 0,
  status: 'online',
  lastSeenAt: Date.now(),
});

describe.each(engines)('triggers and invitations (engine on %s ClickHouse)', (kind) => {
  let db: TestClickHouse;
  let r: TestRedis;
  let sockets: VisitorSocketServer;
  const engines: Engine[] = [];
  const tabs: VisitorTab[] = [];

  const start = async (consumer: string) => {
    const config = loadEngineConfig({
      REDIS_URL: r.url,
      REDIS_PREFIX: r.keys.prefix,
      ENGINE_CONSUMER: consumer,
      ENGINE_FLUSH_MS: '100',
    });
    const engine = await startEngine({
      config,
      ch: db.ch,
      redisUrl: r.url,
      keys: r.keys,
      logger: silentLogger,
      workers: [
        ...defaultWorkers.filter((w) => w !== triggerWorker),
        triggerWorkerFactory({
          jobLockMs: 1500,
          stalledIntervalMs: 500,
          recoverAfterMs: 1000,
          recoverEveryMs: 250,
          claimIdleMs: 1500,
          invitationTtlMs: 60_000,
          pacingRetryMs: 60_000,
        }),
      ],
    });
    engines.push(engine);
    return engine;
  };

  /** A fresh site with one trigger (and an agent online unless told otherwise). */
  const site = async (rule: TriggerDraft, options: { agentOnline?: boolean } = {}) => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const trigger = await triggersRepository(db.ch).save({ siteId, rule, author: 'marketer_1' });
    await triggerChanges(r.redis, r.keys).publish(siteId);
    if (options.agentOnline !== false) await availability(r.redis, r.keys).setAgent(siteId, agent());
    return { siteId, trigger };
  };

  const visitor = () => {
    const id = randomUUID().replaceAll('-', '').slice(0, 16);
    return { visitorId: `v_${id}`, sessionId: `s_${id}` };
  };

  const pageView = async (
    siteId: string,
    v: { visitorId: string; sessionId: string },
    path: string,
    options: { pageViewId?: string; language?: string } = {},
  ) => {
    const pageViewId = options.pageViewId ?? `pv_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await append(r.redis, r.keys, [
      entry(
        {
          type: 'page_view',
          ...v,
          pageViewId,
          url: `https://shop.example${path}`,
          ...(options.language ? { language: options.language } : {}),
        },
        { siteId },
      ),
    ]);
    return pageViewId;
  };

  const openTab = async (siteId: string, v: { visitorId: string; sessionId: string }, pageViewId: string) => {
    const tab = await sockets.tab({ site: siteId, ...v, pageViewId });
    tabs.push(tab);
    return tab;
  };

  const decisionsOf = (siteId: string, visitorId?: string) =>
    triggerDecisions(db.ch).list({ siteId, ...(visitorId ? { visitorId } : {}) });

  const waitForDecisions = (siteId: string, visitorId: string, check: (d: TriggerDecision[]) => boolean) =>
    waitFor(
      async () => {
        const d = await decisionsOf(siteId, visitorId);
        return check(d) ? d : undefined;
      },
      15_000,
      'decisions',
    );

  beforeAll(async () => {
    db = await openTestClickHouse(kind);
    r = await openTestRedis();
    sockets = await startVisitorSockets(r.url, r.keys);
    await start('engine-a');
  });

  afterAll(async () => {
    for (const t of tabs) t.close();
    for (const e of engines) await e.stop();
    await sockets.close();
    await r.cleanup();
    await db.cleanup();
  });

  it('invites a shopper who stays on checkout past the threshold, once, in their language', async () => {
    const { siteId, trigger } = await site(checkoutRule());
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout/payment', { language: 'de-AT' });
    const tab = await openTab(siteId, v, pv);
    const started = Date.now();
    await waitFor(() => tab.invitations.length > 0, 10_000, 'invitation');
    expect(Date.now() - started).toBeGreaterThanOrEqual(THRESHOLD_S * 1000 - 200);
    const [invitation] = tab.invitations;
    expect(invitation).toMatchObject({
      triggerId: trigger.id,
      pageViewId: pv,
      message: 'Können wir helfen?',
      persona: { name: 'Anna' },
      autoOpen: false,
    });
    expect(invitation!.expiresAt).toBeGreaterThan(Date.now());

    const live = liveVisitors(r.redis, r.keys);
    await waitFor(
      async () => (await live.get(siteId, v.visitorId))?.status === 'invited',
      5000,
      'status invited',
    );
    expect((await availability(r.redis, r.keys).capacity(siteId)).openInvitations).toBe(1);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided).toEqual([
      expect.objectContaining({
        outcome: 'sent',
        triggerId: trigger.id,
        triggerVersion: 1,
        invitationId: invitation!.invitationId,
        pageViewId: pv,
        sessionId: v.sessionId,
        manual: false,
      }),
    ]);

    // The visitor dismisses it: recorded, closed for pacing, withdrawn, status back.
    tab.socket.emit('invitation:feedback', { invitationId: invitation!.invitationId, outcome: 'dismissed' });
    await waitFor(() => tab.withdrawn.includes(invitation!.invitationId), 5000, 'withdrawal');
    await waitForDecisions(siteId, v.visitorId, (d) => d.some((x) => x.outcome === 'dismissed'));
    expect((await availability(r.redis, r.keys).capacity(siteId)).openInvitations).toBe(0);
    await waitFor(
      async () => (await live.get(siteId, v.visitorId))?.status === 'checkout',
      5000,
      'status checkout',
    );
    await sleep(500);
    expect(tab.invitations).toHaveLength(1);
  });

  it('does not invite a shopper who leaves checkout before the threshold', async () => {
    const { siteId } = await site(checkoutRule());
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    await sleep(300);
    await pageView(siteId, v, '/products/shoes');
    await sleep(THRESHOLD_S * 1000 + 1200);
    expect(tab.invitations).toEqual([]);
    expect(await decisionsOf(siteId, v.visitorId)).toEqual([]);
  });

  it('does not invite on a checkout page the shopper left while the next page view is still on its way', async () => {
    const { siteId } = await site(checkoutRule());
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    await sleep(300);
    // The checkout tab unloads (pagehide); the next page's page view is late, past the threshold.
    await append(r.redis, r.keys, [
      entry({ type: 'page_leave', ...v, pageViewId: pv, url: 'https://shop.example/checkout' }, { siteId }),
    ]);
    await waitFor(
      async () => (await liveVisitors(r.redis, r.keys).get(siteId, v.visitorId))?.currentPage.leftAt,
      5000,
      'the page left',
    );
    await sleep(THRESHOLD_S * 1000 + 1000);
    expect(await decisionsOf(siteId, v.visitorId)).toEqual([]);

    // Back on checkout in a new page view: invited after the threshold as usual.
    const next = await pageView(siteId, v, '/checkout/payment');
    const tab = await openTab(siteId, v, next);
    await waitFor(() => tab.invitations.length > 0, 10_000, 'invitation on the next page');
    expect(tab.invitations.map((i) => i.pageViewId)).toEqual([next]);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided.map((d) => [d.pageViewId, d.outcome])).toEqual([[next, 'sent']]);
  });

  it('sends exactly one invitation to a shopper with two tabs open', async () => {
    const { siteId } = await site(checkoutRule());
    const v = visitor();
    const pv1 = await pageView(siteId, v, '/checkout');
    const pv2 = await pageView(siteId, v, '/checkout/shipping');
    const [tab1, tab2] = [await openTab(siteId, v, pv1), await openTab(siteId, v, pv2)];
    await waitFor(
      () => tab1.invitations.length > 0 && tab2.invitations.length > 0,
      10_000,
      'invitation in both tabs',
    );
    await sleep(THRESHOLD_S * 1000 + 500);
    const ids = new Set([...tab1.invitations, ...tab2.invitations].map((i) => i.invitationId));
    expect(ids.size).toBe(1);
    expect(tab1.invitations).toHaveLength(1);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided.filter((d) => d.outcome === 'sent')).toHaveLength(1);
  });

  it('records suppressed_no_agent and shows nothing when no agent is online', async () => {
    const { siteId, trigger } = await site(checkoutRule(), { agentOnline: false });
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided).toEqual([
      expect.objectContaining({
        outcome: 'suppressed_no_agent',
        triggerId: trigger.id,
        invitationId: '',
        pageViewId: pv,
      }),
    ]);
    expect(decided[0]!.reason).toContain('no agent online');
    await sleep(500);
    expect(tab.invitations).toEqual([]);
    expect((await availability(r.redis, r.keys).capacity(siteId)).openInvitations).toBe(0);
  });

  it('never opens more invitations than free chat slots when many shoppers cross the threshold at once', async () => {
    // One agent with 3 slots; 8 shoppers reach checkout in the same instant, so their checks
    // are due together and decided concurrently: exactly 3 may be invited.
    const { siteId, trigger } = await site(checkoutRule());
    const serverTs = Date.now();
    const shoppers = Array.from({ length: 8 }, () => ({
      ...visitor(),
      pageViewId: `pv_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    }));
    await append(
      r.redis,
      r.keys,
      shoppers.map((s) =>
        entry(
          {
            type: 'page_view',
            visitorId: s.visitorId,
            sessionId: s.sessionId,
            pageViewId: s.pageViewId,
            url: 'https://shop.example/checkout',
          },
          { siteId, serverTs },
        ),
      ),
    );
    const shopperTabs = await Promise.all(
      shoppers.map((s) => openTab(siteId, { visitorId: s.visitorId, sessionId: s.sessionId }, s.pageViewId)),
    );
    const decided = await waitFor(
      async () => {
        const d = await decisionsOf(siteId);
        return new Set(d.map((x) => x.visitorId)).size === shoppers.length ? d : undefined;
      },
      15_000,
      'a decision for every shopper',
    );
    const sent = decided.filter((d) => d.outcome === 'sent');
    expect(sent).toHaveLength(3);
    expect(decided.filter((d) => d.outcome === 'suppressed_no_agent')).toHaveLength(5);
    expect(decided.every((d) => d.triggerId === trigger.id)).toBe(true);
    expect((await availability(r.redis, r.keys).capacity(siteId)).openInvitations).toBe(3);
    await sleep(300);
    expect(shopperTabs.reduce((n, tab) => n + tab.invitations.length, 0)).toBe(3);
  });

  it('records holdout visitors like treated ones and shows them nothing', async () => {
    const { siteId, trigger } = await site(checkoutRule({ controls: { holdoutPercent: 100 } }));
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided).toEqual([
      expect.objectContaining({
        outcome: 'holdout',
        triggerId: trigger.id,
        pageViewId: pv,
        sessionId: v.sessionId,
      }),
    ]);
    expect(decided[0]!.invitationId).toMatch(/^inv_/);
    await sleep(700);
    expect(tab.invitations).toEqual([]);
    // Charged to the budget like a sent invitation: the next page view is not invited either.
    const pv2 = await pageView(siteId, v, '/checkout/payment');
    const again = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 2);
    expect(again.find((d) => d.pageViewId === pv2)).toMatchObject({ outcome: 'suppressed_budget' });
    expect(tab.invitations).toEqual([]);
  });

  it('suppresses by contact budget across triggers and by a trigger frequency cap', async () => {
    const { siteId, trigger } = await site(checkoutRule({ controls: { holdoutPercent: 0, priority: 10 } }));
    const cart = await triggersRepository(db.ch).save({
      siteId,
      author: 'marketer_1',
      rule: checkoutRule({
        name: 'Cart',
        conditions: { type: 'page', field: 'path', match: { op: 'contains', value: 'checkout' } },
        controls: { holdoutPercent: 0, priority: 1, frequencyCap: { max: 1, windowSeconds: 3600 } },
      }),
    });
    await triggerChanges(r.redis, r.keys).publish(siteId);
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    // The cart trigger matches at once (no time condition) and sends; the checkout trigger, due
    // after the threshold, meets the spent budget (one invitation per session).
    await waitFor(() => tab.invitations.length > 0, 10_000, 'invitation');
    expect(tab.invitations[0]!.triggerId).toBe(cart.id);
    tab.socket.emit('invitation:feedback', {
      invitationId: tab.invitations[0]!.invitationId,
      outcome: 'accepted',
    });
    const decided = await waitForDecisions(siteId, v.visitorId, (d) =>
      d.some((x) => x.triggerId === trigger.id),
    );
    expect(decided.find((d) => d.triggerId === trigger.id)).toMatchObject({ outcome: 'suppressed_budget' });
    expect(decided.find((d) => d.outcome === 'accepted')).toMatchObject({ triggerId: cart.id });

    // Another visitor: the cart trigger's cap (1 per hour) is spent.
    const w = visitor();
    const wpv = await pageView(siteId, w, '/checkout');
    const other = await openTab(siteId, w, wpv);
    const capped = await waitForDecisions(siteId, w.visitorId, (d) => d.some((x) => x.triggerId === cart.id));
    expect(capped.find((d) => d.triggerId === cart.id)).toMatchObject({ outcome: 'suppressed_cap' });
    // ...so the higher-priority checkout trigger invites after its threshold.
    await waitFor(() => other.invitations.length > 0, 10_000, 'invitation of the checkout trigger');
    expect(other.invitations.map((i) => i.triggerId)).toEqual([trigger.id]);
  });

  it('delivers an agent’s manual invitation through the same path and records it as manual', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const v = visitor();
    const pv = await pageView(siteId, v, '/products/shoes');
    const tab = await openTab(siteId, v, pv);
    await waitFor(
      async () => (await liveVisitors(r.redis, r.keys).get(siteId, v.visitorId)) !== undefined,
      5000,
      'state',
    );
    const connection = connectRedis(r.url, { forBullmq: true });
    const queue = new Queue<ManualInvitationJob>(QUEUES.invitations, {
      connection,
      prefix: r.keys.bullPrefix,
    });
    const events = new QueueEvents(QUEUES.invitations, {
      connection: connection.duplicate(),
      prefix: r.keys.bullPrefix,
    });
    try {
      await events.waitUntilReady();
      const job = await queue.add('manual', {
        siteId,
        visitorId: v.visitorId,
        agentId: 'agent_7',
        message: 'Hi! Looking for a size?',
        persona: { name: 'Ben' },
      });
      const result = await job.waitUntilFinished(events, 10_000);
      expect(result).toMatchObject({ delivered: true });
      await waitFor(() => tab.invitations.length > 0, 5000, 'manual invitation');
      expect(tab.invitations[0]).toMatchObject({
        triggerId: 'manual',
        message: 'Hi! Looking for a size?',
        persona: { name: 'Ben' },
      });
      const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
      expect(decided).toEqual([
        expect.objectContaining({
          outcome: 'sent',
          triggerId: 'manual',
          manual: true,
          agentId: 'agent_7',
          triggerVersion: 0,
        }),
      ]);
      const gone = await queue.add('manual', {
        siteId,
        visitorId: 'v_nobody_here',
        agentId: 'agent_7',
        message: 'Hello?',
        persona: { name: 'Ben' },
      });
      expect(await gone.waitUntilFinished(events, 10_000)).toEqual({
        delivered: false,
        reason: 'visitor_not_online',
      });
    } finally {
      await events.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('fires exactly once when the engine dies mid-timer and another one takes over', async () => {
    const { siteId } = await site(checkoutRule());
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    // The timer is scheduled by engine A, which then dies before it fires.
    const first = engines[0]!;
    await waitFor(
      async () =>
        (await liveVisitors(r.redis, r.keys).get(siteId, v.visitorId))?.currentPage.pageViewId === pv,
      5000,
      'state',
    );
    await sleep(200);
    await (first.workers.get('triggers') as TriggersWorker).kill();
    await start('engine-b');
    await waitFor(() => tab.invitations.length > 0, 10_000, 'invitation after takeover');
    await sleep(THRESHOLD_S * 1000 + 1000);
    expect(tab.invitations).toHaveLength(1);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided.filter((d) => d.outcome === 'sent')).toHaveLength(1);
  });

  it('resumes an invitation claimed by an engine that died before delivering it, exactly once', async () => {
    const { siteId, trigger } = await site(checkoutRule());
    const v = visitor();
    const pv = await pageView(siteId, v, '/checkout');
    const tab = await openTab(siteId, v, pv);
    const live = liveVisitors(r.redis, r.keys);
    await waitFor(
      async () => (await live.get(siteId, v.visitorId))?.currentPage.pageViewId === pv,
      5000,
      'state',
    );
    // What a dying engine leaves behind: the claim (decision, budget, outbox) but no delivery.
    const keys = triggerKeys(r.keys);
    const decidedAt = Date.now() - 2000;
    const invitationId = `inv_crashed_${randomUUID().slice(0, 8)}`;
    const message = {
      invitationId,
      triggerId: trigger.id,
      pageViewId: pv,
      message: 'Need a hand with your order?',
      persona: { name: 'Anna' },
      autoOpen: false,
      expiresAt: Date.now() + 60_000,
    };
    const record = {
      invitationId,
      siteId,
      ...v,
      pageViewId: pv,
      triggerId: trigger.id,
      triggerVersion: trigger.version,
      manual: false,
      agentId: '',
      outcome: 'sent' as const,
      decidedAt,
      message,
    };
    const claim = await invitationStore(r.redis, keys).claim({
      claimKey: keys.claim(siteId, v.visitorId, trigger.id, pv),
      record,
      decision: {
        siteId,
        decisionId: `${invitationId}:sent`,
        invitationId,
        triggerId: trigger.id,
        triggerVersion: trigger.version,
        ...v,
        pageViewId: pv,
        outcome: 'sent',
        reason: '',
        manual: false,
        agentId: '',
        at: decidedAt,
      },
      chargeBudget: true,
      chargeCap: true,
    });
    // Unless the engine already beat us to it (the threshold passed), our claim is the one.
    expect(claim.claimed).toBe(true);
    await waitFor(() => tab.invitations.length > 0, 10_000, 'resumed invitation');
    await sleep(THRESHOLD_S * 1000 + 1000);
    expect(tab.invitations.map((i) => i.invitationId)).toEqual([invitationId]);
    const decided = await waitForDecisions(siteId, v.visitorId, (d) => d.length >= 1);
    expect(decided.filter((d) => d.outcome === 'sent').map((d) => d.invitationId)).toEqual([invitationId]);
  });
});
