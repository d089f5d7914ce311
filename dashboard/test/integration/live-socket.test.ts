import type { AddressInfo } from 'node:net';
import {
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  type AgentStatusUpdate,
  type SiteWatchResult,
  siteRoom,
  type VisitorState,
} from '@floorwalker/protocol';
import { availability, liveVisitors, type Site, sitesRepository, type User } from '@floorwalker/store';
import { Emitter } from '@socket.io/redis-emitter';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { visitorStateFixture } from '../helpers/live-fixtures.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';

type AgentClient = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

async function waitFor<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(engines)('/agent socket on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let url: string;
  let shopA: Site;
  let shopB: Site;
  let agent: User;
  const sockets: AgentClient[] = [];

  const cookieOf = (client: TestClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  const connect = (headers: Record<string, string> = {}): AgentClient => {
    const socket: AgentClient = connectClient(`${url}/agent`, {
      transports: ['websocket'],
      extraHeaders: headers,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };

  const connected = (socket: AgentClient) =>
    new Promise<void>((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

  const refusal = (socket: AgentClient) =>
    new Promise<{ code: string }>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected')));
      socket.once('connect_error', (error) => resolve((error as Error & { data: { code: string } }).data));
    });

  const loggedIn = async (email: string, password: string) => {
    const client = t.client();
    expect((await client.login(email, password)).statusCode).toBe(200);
    return client;
  };

  const statusOf = (socket: AgentClient) =>
    new Promise<AgentStatusUpdate>((resolve) => socket.once('agent:status', resolve));

  beforeAll(async () => {
    t = await startTestDashboard(kind);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const sites = sitesRepository(t.db.ch);
    const site = (name: string) =>
      sites.save(
        {
          siteId: `site_${name}_${Math.random().toString(36).slice(2, 8)}`,
          name,
          allowedOrigins: [],
          timezone: 'UTC',
          respectPrivacySignals: false,
        },
        'test',
      );
    shopA = await site('a');
    shopB = await site('b');
    agent = await t.seedUser('agent', 'ann@shop.test', 'agent-password-1', [shopA.siteId]);
    await t.seedUser('manager', 'max@shop.test', 'manager-password-1', [shopA.siteId]);
    await t.app.agentSocket.ready;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a handshake without a session cookie, with a forged one, and from another origin', async () => {
    expect(await refusal(connect())).toMatchObject({ code: 'FW_SOCKET_AUTH_REQUIRED' });
    expect(await refusal(connect({ cookie: 'fw_session=forged.value' }))).toMatchObject({
      code: 'FW_SOCKET_AUTH_REQUIRED',
    });
    const client = await loggedIn(ADMIN.email, ADMIN.password);
    expect(
      await refusal(connect({ cookie: cookieOf(client), origin: 'https://evil.example' })),
    ).toMatchObject({
      code: 'FW_SOCKET_ORIGIN_FORBIDDEN',
    });
    // The dashboard's own origin and a valid session get in.
    await connected(connect({ cookie: cookieOf(client), origin: url }));
    // After logout the same cookie no longer opens a socket.
    expect((await client.request('POST', '/api/auth/logout')).statusCode).toBeLessThan(300);
    const stale = `fw_session=${[...client.cookies].find(([k]) => k === 'fw_session')?.[1] ?? 'gone'}`;
    expect(await refusal(connect({ cookie: stale }))).toMatchObject({ code: 'FW_SOCKET_AUTH_REQUIRED' });
  });

  it('denies site:watch for a site outside the user’s sites and answers with the online visitors of their own', async () => {
    const live = liveVisitors(t.redis.redis, t.redis.keys);
    const online = visitorStateFixture(shopA.siteId);
    await live.commit({
      state: online,
      meta: '{}',
      expectedRev: 0,
      dueAt: Date.now() + 60_000,
      ttlMs: 60_000,
    });
    const client = await loggedIn('ann@shop.test', 'agent-password-1');
    const socket = connect({ cookie: cookieOf(client) });
    await connected(socket);

    const errors: { code: string }[] = [];
    socket.on('error', (e) => errors.push(e));
    const denied: SiteWatchResult = await socket.emitWithAck('site:watch', { siteId: shopB.siteId });
    expect(denied).toEqual({ ok: false, error: 'FW_SOCKET_SITE_FORBIDDEN' });
    await waitFor(
      () => errors.length,
      (n) => n > 0,
      'error event',
    );
    expect(errors[0]).toMatchObject({ code: 'FW_SOCKET_SITE_FORBIDDEN' });
    const missing: SiteWatchResult = await socket.emitWithAck('site:watch', { siteId: 'site_nowhere' });
    expect(missing.ok).toBe(false);
    const malformed: SiteWatchResult = await socket.emitWithAck('site:watch', {
      siteId: 42,
    } as unknown as { siteId: string });
    expect(malformed).toEqual({ ok: false, error: 'FW_SOCKET_BAD_PAYLOAD' });

    const before = Date.now();
    const watched: SiteWatchResult = await socket.emitWithAck('site:watch', { siteId: shopA.siteId });
    expect(watched.ok).toBe(true);
    expect(watched.visitors?.map((v) => v.visitorId)).toEqual([online.visitorId]);
    expect(watched.serverTime).toBeGreaterThanOrEqual(before);

    // A foreign site's updates never reach this tab, its own site's do.
    const emitter = new Emitter<AgentServerToClientEvents>(t.redis.redis, {
      key: t.redis.keys.socketChannel,
    }).of('/agent');
    const received: VisitorState[] = [];
    socket.on('visitor:update', (s) => received.push(s));
    emitter.to(siteRoom(shopB.siteId)).emit('visitor:update', visitorStateFixture(shopB.siteId));
    const moved = {
      ...online,
      currentPage: { ...online.currentPage, path: '/checkout', url: 'https://shop.test/checkout' },
    };
    emitter.to(siteRoom(shopA.siteId)).emit('visitor:update', moved);
    await waitFor(
      () => received.length,
      (n) => n > 0,
      'visitor:update',
    );
    const left: { siteId: string; visitorId: string }[] = [];
    socket.on('visitor:left', (p) => left.push(p));
    emitter
      .to(siteRoom(shopA.siteId))
      .emit('visitor:left', { siteId: shopA.siteId, visitorId: online.visitorId });
    await waitFor(
      () => left.length,
      (n) => n > 0,
      'visitor:left',
    );
    expect(received.map((s) => [s.siteId, s.currentPage.path])).toEqual([[shopA.siteId, '/checkout']]);
    expect(left).toEqual([{ siteId: shopA.siteId, visitorId: online.visitorId }]);

    // Unwatching stops the updates.
    socket.emit('site:unwatch', { siteId: shopA.siteId });
    await new Promise((r) => setTimeout(r, 100));
    emitter.to(siteRoom(shopA.siteId)).emit('visitor:update', moved);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
  });

  it('counts a connected agent in the site’s capacity, follows away/online across tabs, and drops them with the last tab', async () => {
    const agents = availability(t.redis.redis, t.redis.keys);
    const client = await loggedIn('ann@shop.test', 'agent-password-1');
    const first = connect({ cookie: cookieOf(client) });
    expect(await statusOf(first)).toEqual({ status: 'online', siteIds: [shopA.siteId] });
    expect(await agents.capacity(shopA.siteId)).toMatchObject({ onlineAgents: 1, freeSlots: 3 });
    expect((await agents.capacity(shopB.siteId)).onlineAgents).toBe(0);
    expect((await agents.listAgents(shopA.siteId))[0]).toMatchObject({
      agentId: agent.userId,
      name: agent.name,
      maxChats: 3,
      activeChats: 0,
      status: 'online',
    });

    const second = connect({ cookie: cookieOf(client) });
    await statusOf(second);
    const followed = statusOf(second);
    expect(await first.emitWithAck('agent:status', { status: 'away' })).toEqual({ ok: true, status: 'away' });
    expect((await followed).status).toBe('away');
    expect(await agents.capacity(shopA.siteId)).toMatchObject({ onlineAgents: 0, freeSlots: 0 });
    expect((await agents.listAgents(shopA.siteId)).map((a) => a.status)).toEqual(['away']);
    expect(await second.emitWithAck('agent:status', { status: 'online' })).toEqual({
      ok: true,
      status: 'online',
    });
    expect((await agents.capacity(shopA.siteId)).onlineAgents).toBe(1);

    first.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    expect((await agents.capacity(shopA.siteId)).onlineAgents).toBe(1);
    second.disconnect();
    await waitFor(
      () => agents.listAgents(shopA.siteId),
      (list) => list.length === 0,
      'agent removed',
    );

    // The chosen status is remembered for the next login.
    const again = connect({ cookie: cookieOf(client) });
    expect((await statusOf(again)).status).toBe('online');
  });

  it('counts a manager only after they switch themselves available', async () => {
    const agents = availability(t.redis.redis, t.redis.keys);
    const client = await loggedIn('max@shop.test', 'manager-password-1');
    const socket = connect({ cookie: cookieOf(client) });
    expect((await statusOf(socket)).status).toBe('offline');
    expect((await agents.listAgents(shopA.siteId)).some((a) => a.name.startsWith('manager'))).toBe(false);
    expect(await socket.emitWithAck('agent:status', { status: 'online' })).toEqual({
      ok: true,
      status: 'online',
    });
    expect((await agents.listAgents(shopA.siteId)).some((a) => a.name.startsWith('manager'))).toBe(true);
    const bad = await socket.emitWithAck('agent:status', { status: 'sleeping' } as unknown as {
      status: 'away';
    });
    expect(bad).toEqual({ ok: false, error: 'FW_SOCKET_BAD_PAYLOAD' });
    expect(await socket.emitWithAck('agent:status', { status: 'offline' })).toEqual({
      ok: true,
      status: 'offline',
    });
    expect((await agents.listAgents(shopA.siteId)).some((a) => a.name.startsWith('manager'))).toBe(false);
  });
});
