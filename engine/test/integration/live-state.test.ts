import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  siteRoom,
  type VisitorState,
} from '@floorwalker/protocol';
import {
  connectRedis,
  liveVisitors,
  type Redis,
  siteRegistry,
  sitesRepository,
  sql,
} from '@floorwalker/store';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engines,
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../../../test/helpers/stores.ts';
import { loadEngineConfig } from '../../src/config.ts';
import { type Engine, startEngine } from '../../src/index.ts';
import type { LiveSweep } from '../../src/live/live-sweep.ts';
import { silentLogger } from '../../src/logger.ts';
import { append, entry, waitFor } from '../helpers/stream-entries.ts';

type Received =
  | { event: 'visitor:update'; state: VisitorState }
  | { event: 'visitor:left'; visitorId: string };

describe.each(engines)('live visitor state (engine on %s ClickHouse)', (kind) => {
  let db: TestClickHouse;
  let r: TestRedis;
  let engine: Engine;
  let clock = Date.now();
  const t0 = clock;
  const siteId = `site_${randomUUID().slice(0, 8)}`;
  // Staff side: a socket.io server with the Redis adapter on the same key, and a client in the site room.
  let http: HttpServer;
  let io: Server<AgentClientToServerEvents, AgentServerToClientEvents>;
  let pub: Redis;
  let sub: Redis;
  let client: Socket<AgentServerToClientEvents, AgentClientToServerEvents>;
  const received: Received[] = [];

  beforeAll(async () => {
    db = await openTestClickHouse(kind);
    r = await openTestRedis();
    await sitesRepository(db.ch).save(
      {
        siteId,
        name: 'Shoe shop',
        allowedOrigins: ['https://shop.example'],
        timezone: 'Europe/Berlin',
        respectPrivacySignals: true,
      },
      'test',
    );
    const config = loadEngineConfig({
      REDIS_URL: r.url,
      REDIS_PREFIX: r.keys.prefix,
      ENGINE_CONSUMER: 'engine-live-test',
      ENGINE_FLUSH_MS: '100',
    });
    engine = await startEngine({
      config,
      ch: db.ch,
      redisUrl: r.url,
      keys: r.keys,
      logger: silentLogger,
      now: () => clock,
      presence: { leaveGraceMs: 10_000 },
    });

    pub = connectRedis(r.url);
    sub = pub.duplicate();
    http = createServer();
    io = new Server(http, { adapter: createAdapter(pub, sub, { key: r.keys.socketChannel }) });
    io.of('/agent').on('connection', (socket) => {
      socket.join(siteRoom(siteId));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}/agent`, { transports: ['websocket'] });
    client.on('visitor:update', (state) => received.push({ event: 'visitor:update', state }));
    client.on('visitor:left', (p) => received.push({ event: 'visitor:left', visitorId: p.visitorId }));
    await waitFor(() => client.connected, 10_000, 'socket connection');
    // The adapter subscribes asynchronously: wait until it receives a broadcast.
    await waitFor(
      async () => {
        engine.context.agents.to(siteRoom(siteId)).emit('visitor:left', { siteId, visitorId: 'probe' });
        await new Promise((res) => setTimeout(res, 100));
        return received.some((m) => m.event === 'visitor:left' && m.visitorId === 'probe');
      },
      10_000,
      'adapter subscription',
    );
    received.length = 0;
  });

  afterAll(async () => {
    client?.close();
    await new Promise((resolve) => io?.close(resolve));
    pub?.disconnect();
    sub?.disconnect();
    await engine?.stop();
    await r?.cleanup();
    await db?.cleanup();
  });

  const live = () => liveVisitors(r.redis, r.keys);
  const sweep = () => (engine.workers.get('live-sweep') as LiveSweep).sweepNow();
  const visitorId = 'visitor_livetest1';
  const at = (offsetMs: number) => ({ siteId, serverTs: t0 + offsetMs });
  const base = { visitorId, sessionId: 'session_live_0001' };
  const tabA = 'pageview_tab_a_01';
  const tabB = 'pageview_tab_b_01';
  const shoeUrl =
    'https://shop.example/products/shoe?utm_source=newsletter&utm_medium=email&utm_campaign=spring';

  it('mirrors the sites from ClickHouse into Redis for the collector', async () => {
    const site = await siteRegistry(r.redis, r.keys).get(siteId);
    expect(site).toMatchObject({ siteId, name: 'Shoe shop', allowedOrigins: ['https://shop.example'] });
  });

  it('follows a visitor across two tabs, an SPA page change, cart, checkout and purchase', async () => {
    await append(r.redis, r.keys, [
      entry(
        {
          ...base,
          type: 'page_view',
          pageViewId: tabA,
          url: shoeUrl,
          title: 'Running shoe',
          referrer: 'https://www.google.com/',
          language: 'de-DE',
          navigation: 'load',
        },
        at(0),
      ),
      entry(
        {
          ...base,
          type: 'page_view',
          pageViewId: tabB,
          url: 'https://shop.example/products/hat',
          title: 'Hat',
        },
        at(1000),
      ),
    ]);
    let state = await waitFor(async () => {
      const s = await live().get(siteId, visitorId);
      return s?.pagesThisSession === 2 ? s : undefined;
    });
    expect(state).toMatchObject({
      sessionId: 'session_live_0001',
      presence: 'online',
      status: 'browsing',
      tabs: 2,
      visitCount: 1,
      returning: false,
      referrer: 'https://www.google.com/',
      utm: { source: 'newsletter', medium: 'email', campaign: 'spring', term: '', content: '' },
      language: 'de-DE',
      device: 'desktop',
      country: 'DE',
      currentPage: { pageViewId: tabB, path: '/products/hat', title: 'Hat', enteredAt: t0 + 1000 },
    });
    expect(await live().counters(siteId)).toEqual({ online: 1, checkout: 0, cartsOpen: 0 });

    // Tab A: SPA route change (new page view replacing the shoe page), add to cart, go to checkout.
    const cartEvent = entry(
      {
        ...base,
        type: 'add_to_cart',
        pageViewId: 'pageview_tab_a_02',
        url: 'https://shop.example/products/socks',
        value: 19.8,
        currency: 'EUR',
        sku: 'SOCK',
        quantity: 2,
      },
      at(3000),
    );
    await append(r.redis, r.keys, [
      entry(
        {
          ...base,
          type: 'page_view',
          pageViewId: 'pageview_tab_a_02',
          url: 'https://shop.example/products/socks',
          title: 'Socks',
          referrer: shoeUrl,
          navigation: 'spa',
        },
        at(2000),
      ),
      cartEvent,
      cartEvent, // delivered twice (a collector retry): counted once
      entry(
        {
          ...base,
          type: 'page_view',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          title: 'Checkout',
          referrer: 'https://shop.example/products/socks',
          navigation: 'spa',
        },
        at(4000),
      ),
    ]);
    state = await waitFor(async () => {
      const s = await live().get(siteId, visitorId);
      return s?.status === 'checkout' ? s : undefined;
    });
    expect(state).toMatchObject({
      pagesThisSession: 4,
      tabs: 2, // tab A (now on checkout) and tab B; the replaced SPA pages are closed
      cart: { value: 19.8, currency: 'EUR', items: 2 },
      currentPage: { pageViewId: 'pageview_tab_a_03', path: '/checkout' },
      referrer: 'https://www.google.com/', // still the visit's first page
    });
    expect(state.recentEvents).toEqual([
      {
        type: 'add_to_cart',
        name: 'add_to_cart',
        ts: t0 + 3000,
        props: { value: 19.8, currency: 'EUR', sku: 'SOCK', quantity: 2 },
      },
    ]);
    expect(await live().counters(siteId)).toEqual({ online: 1, checkout: 1, cartsOpen: 1 });

    await append(r.redis, r.keys, [
      entry(
        {
          ...base,
          type: 'checkout_started',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          value: 24.8,
          currency: 'EUR',
          quantity: 3,
        },
        at(5000),
      ),
      entry(
        {
          ...base,
          type: 'purchase',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          value: 24.8,
          currency: 'EUR',
          orderId: 'A-1001',
        },
        at(6000),
      ),
      entry(
        {
          ...base,
          type: 'identify',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          traits: { email: 'kim@example.com' },
        },
        at(6500),
      ),
      entry(
        {
          ...base,
          type: 'engagement',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          engagedMs: 4000,
          scrollDepth: 80,
        },
        at(7000),
      ),
    ]);
    state = await waitFor(async () => {
      const s = await live().get(siteId, visitorId);
      return s?.engagedMs === 4000 ? s : undefined;
    });
    expect(state).toMatchObject({
      purchased: true,
      cart: { value: 0, items: 0 },
      identified: { email: 'kim@example.com' },
      scrollDepth: 80,
      status: 'checkout',
    });
    expect(state.recentEvents.map((e) => e.type)).toEqual(['add_to_cart', 'checkout_started', 'purchase']);
    expect(await live().counters(siteId)).toEqual({ online: 1, checkout: 1, cartsOpen: 0 });

    const updates = received.filter((m) => m.event === 'visitor:update');
    expect(updates.some((m) => m.state.status === 'checkout' && m.state.cart.items === 2)).toBe(true);
    expect(updates.at(-1)?.state).toEqual(state);
  });

  it('marks the visitor idle, online again, and left once the last tab closed', async () => {
    // Heartbeats: tab B in the background, tab A in front.
    await append(r.redis, r.keys, [
      entry(
        {
          ...base,
          type: 'heartbeat',
          pageViewId: tabB,
          url: 'https://shop.example/products/hat',
          active: false,
        },
        at(20_000),
      ),
      entry(
        {
          ...base,
          type: 'heartbeat',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          active: true,
        },
        at(20_000),
      ),
    ]);
    await waitFor(async () => (await live().get(siteId, visitorId))?.lastSeenAt === t0 + 20_000);

    clock = t0 + 81_000; // 61 s without activity, 61 s since the last heartbeat
    await sweep();
    let state = await live().get(siteId, visitorId);
    expect(state).toMatchObject({ presence: 'idle', status: 'idle', tabs: 0 });
    await waitFor(
      () => received.some((m) => m.event === 'visitor:update' && m.state.presence === 'idle'),
      5000,
      'idle update',
    );
    expect(await live().listOnline(siteId)).toHaveLength(1);

    await append(r.redis, r.keys, [
      entry(
        {
          ...base,
          type: 'heartbeat',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
          active: true,
        },
        at(85_000),
      ),
      entry(
        {
          ...base,
          type: 'heartbeat',
          pageViewId: tabB,
          url: 'https://shop.example/products/hat',
          active: false,
        },
        at(85_000),
      ),
    ]);
    clock = t0 + 85_500;
    state = await waitFor(async () => {
      const s = await live().get(siteId, visitorId);
      return s?.presence === 'online' ? s : undefined;
    });
    expect(state).toMatchObject({ status: 'checkout', tabs: 2 });

    await append(r.redis, r.keys, [
      entry(
        { ...base, type: 'page_leave', pageViewId: tabB, url: 'https://shop.example/products/hat' },
        at(86_000),
      ),
      entry(
        {
          ...base,
          type: 'page_leave',
          pageViewId: 'pageview_tab_a_03',
          url: 'https://shop.example/checkout',
        },
        at(87_000),
      ),
    ]);
    clock = t0 + 87_500;
    state = await waitFor(async () => {
      const s = await live().get(siteId, visitorId);
      return s?.tabs === 0 ? s : undefined;
    });
    // Within the grace period the next page of a navigation may still arrive.
    expect(state.presence).toBe('online');
    expect(received.some((m) => m.event === 'visitor:left')).toBe(false);

    clock = t0 + 98_000;
    await sweep();
    state = await live().get(siteId, visitorId);
    expect(state).toMatchObject({ presence: 'left', status: 'left' });
    await waitFor(
      () => received.some((m) => m.event === 'visitor:left' && m.visitorId === visitorId),
      5000,
      'left event',
    );
    expect(await live().counters(siteId)).toEqual({ online: 0, checkout: 0, cartsOpen: 0 });
    expect(await live().listOnline(siteId)).toEqual([]);

    // A second sweep does not announce it again.
    await sweep();
    await new Promise((res) => setTimeout(res, 200));
    expect(received.filter((m) => m.event === 'visitor:left')).toHaveLength(1);

    const changes = await r.redis.xrange(live().changesKey, '-', '+');
    const types = changes.map(([, fields]) => live().parseChange(fields[1]!).type);
    expect(types.filter((t) => t === 'left')).toHaveLength(1);
    expect(types.filter((t) => t === 'update').length).toBeGreaterThanOrEqual(4);
  });

  it('removes the state after the TTL and counts the next session as a returning visit', async () => {
    clock = t0 + 98_000 + 1800 * 1000 + 1;
    await sweep();
    expect(await live().get(siteId, visitorId)).toBeUndefined();

    await append(r.redis, r.keys, [
      entry(
        {
          visitorId,
          sessionId: 'session_live_0002',
          type: 'page_view',
          pageViewId: 'pageview_next_01',
          url: 'https://shop.example/',
        },
        at(1_900_000),
      ),
    ]);
    clock = t0 + 1_900_500;
    const state = await waitFor(() => live().get(siteId, visitorId));
    expect(state).toMatchObject({
      sessionId: 'session_live_0002',
      visitCount: 2,
      returning: true,
      pagesThisSession: 1,
      presence: 'online',
      purchased: false,
    });
  });

  it('writes the same events to ClickHouse', async () => {
    const rows = await waitFor(
      async () => {
        const [row] = await db.ch.query<{ n: number; rows: number }>(
          sql`SELECT uniqExact(event_id) AS n, count() AS rows FROM ${db.ch.table('events')} FINAL WHERE site_id = ${siteId}`,
        );
        return Number(row?.n) === 16 ? row : undefined;
      },
      15_000,
      'rows in ClickHouse',
    );
    // 16 distinct events; the add_to_cart appended twice is one row.
    expect(rows).toEqual({ n: 16, rows: 16 });
  });
});
